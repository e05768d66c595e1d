"""A cadre's name search reads its page on PostgreSQL through a statement that carries its
values as constants (`member_search.name_page_statement`): the same ids as the ORM's page,
every plan made for its own term, in one round trip, and no term can break out of its
constant (quotes, backslashes and SQL in the terms below).

Why it matters: asyncpg keeps each statement prepared, and after five executions PostgreSQL may
keep a generic plan made without seeing a bound pattern; for a very common term that plan reads
the trigram index's whole posting list (bench/member_search_plan.py). The plans are read with
auto_explain (shipped with PostgreSQL; `LOAD` needs a superuser, as the test database's owner
is here), under `plan_cache_mode = force_generic_plan`.
"""

from __future__ import annotations

import asyncpg
import pytest
from tortoise.transactions import in_transaction

from tests.factories import Factory
from tests.querycount import count_queries
from unionhub import db
from unionhub.identity import member_search
from unionhub.identity.models import Member
from unionhub.schema.relay import keyset_page
from unionhub.settings import get_settings

SEARCH = """query S($u: ID!, $s: String!, $after: String) {
  members(unionId: $u, search: $s, first: 3, after: $after) {
    edges { node { id displayName } } pageInfo { hasNextPage endCursor } } }"""
# Display names given to the test's members: wildcards and the escape character must match
# only themselves, ASCII case must not matter, and CJK must match by part.
NAMES = ["会员Ab1", "会员aB2", "会员AB3", "会员_x", "会员%y", "会员\\z", "会员Q", "会员Abc",
         "职工Ab", "会员ab9", "工会员", "会员xy", "会员O'Ab", "会员\\'q"]
TERMS = ["会员", "ab", "AB", "_", "%", "\\", "员_", "会员%", "ab1", "会员Q", "没有", "员",
         # each must stay inside its constant: found as text, or found nothing
         "'", "O'a", "\\'", "''", "E'x'", "');DROP TABLE members;--", "\\\\'q"]


def _postgres() -> None:
    if not db.is_postgres():
        pytest.skip("the statement is PostgreSQL's (SQLite pages the search through the ORM)")


async def _members(factory: Factory) -> None:
    tree = await factory.tree()
    unions = tree.all_grassroots
    for i, name in enumerate(NAMES):
        account = await factory.account(unions[i % len(unions)])
        await Member.filter(id=account.member.id).update(display_name=name)


async def _pages(union, term: str, size: int, ours: bool, backward: bool) -> list[list[int]]:
    """Every page of the search, following cursors to the end (backward: from the end)."""
    qs = await member_search.members_in(union, term, actor_id=None)
    reader = member_search.name_page_reader(union, term) if ours else None
    assert (reader is not None) == ours
    pages, cursor = [], None
    while True:
        if backward:
            ids, info = await keyset_page(qs, None, None, last=size, before=cursor,
                                          count=False, ids=True, reader=reader)
            cursor, more = info.start_cursor, info.has_previous_page
        else:
            ids, info = await keyset_page(qs, size, cursor, count=False, ids=True,
                                          reader=reader)
            cursor, more = info.end_cursor, info.has_next_page
        pages.append(ids)
        if not more:
            return pages


async def test_the_constant_statement_pages_as_the_orm_does(factory: Factory):
    _postgres()
    await _members(factory)
    tree = await factory.tree()
    subtrees = [tree.province, tree.all_grassroots[0], tree.all_grassroots[-1]]
    compared = 0
    for union in subtrees:
        for term in TERMS:
            for size, backward in ((2, False), (5, False), (2, True), (100, False)):
                orm = await _pages(union, term, size, False, backward)
                ours = await _pages(union, term, size, True, backward)
                assert ours == orm, (union.path, term, size, backward)
                compared += sum(len(p) for p in orm)
    assert compared > 100  # the terms found members: the comparison compared something
    assert await Member.all().count() >= len(NAMES)  # (no term dropped anything)


async def test_the_search_through_the_api_is_one_statement(gql, factory: Factory):
    _postgres()
    await _members(factory)
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    # (the cadre's own default name is 会员 and a code made from its id: it may hold "AB")
    await Member.filter(id=cadre.member.id).update(display_name="干部")
    seen, after = [], None
    while True:
        with count_queries() as q:
            r = await gql(SEARCH, {"u": str(tree.province.id), "s": "ab", "after": after},
                          token=cadre.token)
        assert r.errors == []
        # The page's one statement, its values constants; the records of members not yet
        # cached load by id.
        pages = [s for s in q.statements if "LIKE" in s]
        assert len(pages) == 1 and "upper(E'%ab%')" in pages[0] and "$" not in pages[0], \
            q.statements
        page = r.data["members"]
        seen += [e["node"]["displayName"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(n for n in NAMES if "ab" in n.lower())


# The ORM's statement for a name search, prepared (the control).
ORM_STATEMENT = ("SELECT m.id FROM members m JOIN unions u ON u.id = m.union_id "
                 "WHERE u.path LIKE $1 AND upper(m.display_name) LIKE upper($2) LIMIT 21")


async def _plans(connection: asyncpg.Connection, statements: list[tuple[str, tuple]]) -> list[str]:
    """What auto_explain reports while each statement runs once with its arguments, under the
    least favourable setting: a prepared statement's plan always generic."""
    notices: list[str] = []

    def listener(_connection: object, message: asyncpg.PostgresLogMessage) -> None:
        notices.append(message.message)

    connection.add_log_listener(listener)
    try:
        async with connection.transaction():
            await connection.execute(
                "LOAD 'auto_explain'; SET LOCAL auto_explain.log_min_duration = 0; "
                "SET LOCAL auto_explain.log_nested_statements = on; "
                "SET LOCAL auto_explain.log_level = notice; "
                "SET LOCAL plan_cache_mode = force_generic_plan")
            for statement, args in statements:
                await connection.fetch(statement, *args)
    finally:
        connection.remove_log_listener(listener)
    return notices


async def test_every_search_is_planned_for_its_own_term(factory: Factory):
    _postgres()
    if get_settings().db_pgbouncer:
        pytest.skip("LOAD and the notices need a direct connection")
    await _members(factory)
    tree = await factory.tree()
    terms = ["%会员%", "%AB%", "%\\_%"] * 3  # past PostgreSQL's five custom plans
    subtree = tree.province.path + "%"
    connection = await asyncpg.connect(get_settings().database_url)
    try:
        notices = await _plans(connection, [
            (member_search.name_page_statement(subtree, term, False, None, 21), ())
            for term in terms])
        control = await _plans(connection, [(ORM_STATEMENT, (subtree, "%会员%"))] * 6)
    finally:
        await connection.close()
    plans = [n for n in notices if "FROM members m JOIN unions u" in n]
    assert len(plans) == len(terms)
    for plan, term in zip(plans, terms, strict=True):
        assert f"'{term.upper()}'::text" in plan, plan  # the pattern itself, not `$2`
    assert any("upper(($2)" in c or "upper($2)" in c for c in control), control


async def test_exact_searches_and_sqlite_keep_the_orm(gql, factory: Factory):
    tree = await factory.tree()
    account = await factory.account(tree.grassroots["A"][0])
    cadre = await factory.cadre(tree.province)
    member = await Member.get(id=account.member.id)
    assert member_search.name_page_reader(tree.province, account.phone) is None
    assert member_search.name_page_reader(tree.province, None) is None
    assert (member_search.name_page_reader(tree.province, "会员") is None) != db.is_postgres()
    # no PostgreSQL string holds NUL: such a term keeps the ORM's bound parameter
    assert member_search.name_page_reader(tree.province, "会\x00员") is None
    for term in (account.phone, member.display_name[-4:].lower(), "没有这个名字"):
        r = await gql(SEARCH, {"u": str(tree.province.id), "s": term}, token=cadre.token)
        assert r.errors == []
        ids = [e["node"]["id"] for e in r.data["members"]["edges"]]
        assert ids == ([] if term == "没有这个名字" else [str(account.member.id)])


async def test_a_transaction_reads_its_own_members(factory: Factory):
    # Inside a transaction the page is read on the transaction's connection: it sees rows the
    # transaction wrote (a mutation that searches after an insert).
    _postgres()
    tree = await factory.tree()
    account = await factory.account(tree.all_grassroots[0])
    reader = member_search.name_page_reader(tree.province, "新名字")
    assert reader is not None
    async with in_transaction():
        await Member.filter(id=account.member.id).update(display_name="会员新名字")
        assert await reader("id", None, 5) == [account.member.id]
    assert await reader("id", None, 5) == [account.member.id]


def test_a_constant_holds_whatever_the_term_is():
    # Quotes are doubled, backslashes doubled, in the escape-string form: the constant ends
    # only at its own closing quote, whatever standard_conforming_strings says.
    constant = member_search._constant
    assert constant("会员") == "E'会员'"
    assert constant("O'a") == "E'O''a'"
    assert constant("\\'") == "E'\\\\'''"
    assert constant("');DROP TABLE members;--") == "E''');DROP TABLE members;--'"
    with pytest.raises(ValueError):
        constant("a\x00b")


async def test_the_term_reaches_no_span(gql, factory: Factory, spans):
    # The page's statement carries the term as a constant on PostgreSQL: its span must keep
    # the statement with the constant replaced (a term may be a person's name). On SQLite the
    # ORM binds it, and no span may hold it either.
    await _members(factory)
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    for term in ("会员Q", "O'Ab", "\\'q"):
        spans.clear()
        r = await gql(SEARCH, {"u": str(tree.province.id), "s": term}, token=cadre.token)
        assert r.errors == [] and r.data["members"]["edges"], term
        finished = spans.get_finished_spans()
        statements = [str(s.attributes.get("db.statement")) for s in finished
                      if "LIKE" in str(s.attributes.get("db.statement"))]
        assert statements, [s.name for s in finished]  # the page's span was made
        seen = [f"{s.name} {dict(s.attributes or {})} {[e.attributes for e in s.events]}"
                for s in finished]
        assert not [text for text in seen if term in text or term.upper() in text], term


async def test_the_unused_search_function_of_migration_0015_is_dropped():
    # Migration 0017 drops it once no process of the release that called it runs.
    _postgres()
    _count, rows = await db.conn().execute_query(
        "SELECT count(*) AS n FROM pg_proc WHERE proname = 'member_name_search_ids'")
    assert rows[0]["n"] == 0
