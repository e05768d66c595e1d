"""A cadre's search is audited (who searched which union, by what kind of term) and its page is
answered only once that row is durable; the row is written while the page is read, not before
it (identity.member_search.Search.page)."""

from __future__ import annotations

import pytest

from tests.factories import Factory
from unionhub import db
from unionhub.identity import audit
from unionhub.identity.models import AuditLog

SEARCH = """query($u: ID!, $s: String) { members(unionId: $u, search: $s, first: 20) {
  edges { node { id displayName } } } }"""


async def _search_setup(factory: Factory):
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    member = await factory.account(union)
    cadre = await factory.cadre(tree.counties["A"])
    return union, member, cadre


@pytest.mark.parametrize("term", ["会员", "13800000000"])  # a name search, an exact one
async def test_a_search_whose_audit_fails_answers_no_page(gql, factory: Factory, term: str):
    union, _member, cadre = await _search_setup(factory)
    connection = db.conn()
    await connection.execute_script("ALTER TABLE audit_log RENAME TO audit_log_away")
    try:
        r = await gql(SEARCH, {"u": str(union.id), "s": term}, token=cadre.token)
    finally:
        await connection.execute_script("ALTER TABLE audit_log_away RENAME TO audit_log")
    assert r.data is None or r.data.get("members") is None, r.body
    assert r.errors, r.body
    assert "edges" not in str(r.body)  # no page, not even an empty one
    # Back in reach: the same search is answered, and audited.
    again = await gql(SEARCH, {"u": str(union.id), "s": term}, token=cadre.token)
    assert again.errors == [] and again.data["members"] is not None
    assert await AuditLog.filter(action=audit.MEMBER_SEARCH,
                                 trace_id=again.body["extensions"]["traceId"]).count() == 1


async def test_the_page_is_read_while_the_audit_row_is_written(gql, factory: Factory, spans):
    """Two round trips at once: the page's statement starts before the audit row's INSERT has
    ended (they went one after the other before)."""
    if not db.is_postgres():
        pytest.skip("PostgreSQL: the audit rows' group commit has its own connection there")
    union, _member, cadre = await _search_setup(factory)
    spans.clear()
    r = await gql(SEARCH, {"u": str(union.id), "s": "会员"}, token=cadre.token)
    assert r.errors == [], r.body
    finished = spans.get_finished_spans()
    inserts = [s for s in finished if s.attributes.get("db.operation.name") == "INSERT"
               and "audit_log" in str(s.attributes.get("db.statement"))]
    pages = [s for s in finished if "LIKE" in str(s.attributes.get("db.statement"))]
    assert len(inserts) == 1 and len(pages) == 1, [s.name for s in finished]
    assert pages[0].start_time < inserts[0].end_time
