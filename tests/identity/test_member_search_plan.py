"""A name search is planned for its own term however often its statement has run.

asyncpg keeps each statement prepared; after five executions PostgreSQL may keep a generic
plan, made without seeing the pattern (for a very common term: the trigram index's whole
posting list, bench/member_search_plan.py). pg_prepared_statements counts each statement's
generic and custom plans on its connection; a test transaction keeps every statement of the
test on one connection, so the counts are those of the searches run here.
"""

from __future__ import annotations

import pytest
from tortoise.transactions import in_transaction

from tests.factories import Factory
from unionhub import db
from unionhub.identity import member_search
from unionhub.identity.models import Member
from unionhub.schema.relay import keyset_page
from unionhub.settings import get_settings

SEARCH = """query S($u: ID!, $s: String!) { members(unionId: $u, search: $s, first: 5) {
  edges { node { id displayName } } } }"""
TERMS = ["会员", "员", "会"] * 3  # every member matches: `会员` and a code


async def _plans(tx) -> tuple[int, int]:
    """(generic, custom) plans of the name search's statements on this connection."""
    rows = await tx.execute_query_dict(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
        "WHERE statement LIKE 'SELECT %' AND statement LIKE '%LIKE UPPER($2)%' "
        "AND statement NOT LIKE '%pg_prepared_statements%'")
    return sum(r["generic_plans"] for r in rows), sum(r["custom_plans"] for r in rows)


async def _members(factory: Factory, n: int) -> None:
    tree = await factory.tree()
    for i in range(n):
        await factory.account(tree.grassroots["A"][i % len(tree.grassroots["A"])])


def _prepared_by_name() -> None:
    if not db.is_postgres():
        pytest.skip("PostgreSQL's plan cache (SQLite plans every statement)")
    if get_settings().db_pgbouncer:
        pytest.skip("behind PgBouncer asyncpg prepares nothing by name (test below)")


async def test_without_the_setting_the_statement_goes_generic(factory: Factory):
    # The control: the same page read, unwrapped, is planned generically after five runs, so
    # the test below would see a search that lost its own plan.
    _prepared_by_name()
    await _members(factory, 6)
    tree = await factory.tree()
    async with in_transaction() as tx:
        before = await _plans(tx)
        for term in TERMS:
            qs = await member_search.members_in(tree.province, term, actor_id=None)
            await keyset_page(qs.only("id"), 5, None, count=False)
        generic, custom = await _plans(tx)
    assert generic - before[0] >= 1
    assert custom - before[1] <= 5


async def test_every_name_search_through_the_api_gets_a_custom_plan(gql, factory: Factory):
    _prepared_by_name()
    await _members(factory, 6)
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    async with in_transaction() as tx:
        before = await _plans(tx)
        for term in TERMS:
            r = await gql(SEARCH, {"u": str(tree.province.id), "s": term}, token=cadre.token)
            assert r.errors == []
            assert len(r.data["members"]["edges"]) == 5
            # The search's SET LOCAL outlives its savepoint in this test transaction: put the
            # default back, as the end of a request's own transaction does.
            await tx.execute_script("SET LOCAL plan_cache_mode TO DEFAULT")
        generic, custom = await _plans(tx)
    assert generic == before[0]
    assert custom - before[1] == len(TERMS)


async def test_the_setting_ends_with_the_search(gql, factory: Factory):
    # No session state: after a search, any statement on any pooled connection (or behind
    # PgBouncer, any server connection) sees the default plan_cache_mode.
    if not db.is_postgres():
        pytest.skip("PostgreSQL's setting")
    await _members(factory, 2)
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    for term in ("会员", "员"):
        r = await gql(SEARCH, {"u": str(tree.province.id), "s": term}, token=cadre.token)
        assert r.errors == [] and r.data["members"]["edges"]
        for _ in range(5):
            rows = await db.conn().execute_query_dict("SHOW plan_cache_mode")
            assert rows[0]["plan_cache_mode"] == "auto"


async def test_exact_and_name_searches_answer_alike_on_every_database(gql, factory: Factory):
    # The wrapper is only around a name search's page: exact searches and SQLite unchanged.
    tree = await factory.tree()
    account = await factory.account(tree.grassroots["A"][0])
    cadre = await factory.cadre(tree.province)
    member = await Member.get(id=account.member.id)
    for term in (account.phone, member.display_name[-4:].lower(), "没有这个名字"):
        r = await gql(SEARCH, {"u": str(tree.province.id), "s": term}, token=cadre.token)
        assert r.errors == []
        ids = [e["node"]["id"] for e in r.data["members"]["edges"]]
        assert ids == ([] if term == "没有这个名字" else [account.id])
