"""A drill-down and a trend make a fixed number of SQL queries however many children or months:
each section is one batched query per period (no query per union)."""

from __future__ import annotations

from tests.services.helpers import _count
from unionhub.clock import today_shanghai
from unionhub.identity.models import UnionLevel
from unionhub.identity.orgs import create_union

DRILL = """query D($u: ID!, $p: String!) { cockpit(unionId: $u, period: $p) {
  membership { verifiedMembers } children { union { name } regionCode
    membership { verifiedMembers activeCards } services { requestsReceived overdueNow }
    activities { enrolments } mall { salesFen } funds { allocatedFen } } } }"""
TREND = """query T($u: ID!, $p: String!, $n: Int!) { cockpit(unionId: $u, period: $p) {
  trend(last: $n) { services { requestsReceived } mall { salesFen } } } }"""


async def test_drill_down_does_not_grow_with_the_children(gql, factory, spans):
    tree = await factory.tree()
    county = tree.counties["A"]
    cadre = await factory.cadre(county)
    period = today_shanghai().strftime("%Y-%m")
    counts = []
    for extra in (0, 6):
        for i in range(extra):
            await create_union(name=f"新增基层工会{i}", level=UnionLevel.GRASSROOTS,
                               region_code=county.region_code, parent_id=county.id)
        counts.append(await _count(gql, spans, DRILL, {"u": str(county.id), "p": period},
                                   cadre.token))
    assert counts[0] == counts[1], counts
    # the union; membership (members, queues, overdue applications) for the union, then the
    # children, and again for the children; services (requests, content published and read,
    # queues: one depth; not the members again: membership counted them), activities (2),
    # mall (1: the sales summary), funds (1), union names (1), and when the member figures
    # were counted (1 a request: membership.figuresAsOf's loader, whatever asks it)
    assert counts[0] == 19, counts


async def test_trend_is_one_batch_per_month_and_section(gql, factory, spans):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    period = today_shanghai().strftime("%Y-%m")
    v = {"u": str(tree.province.id), "p": period}
    three = await _count(gql, spans, TREND, {**v, "n": 3}, cadre.token)
    six = await _count(gql, spans, TREND, {**v, "n": 6}, cadre.token)
    # services: requests, overdue applications, published, reads (the members: membership's
    # alone); mall: 1 (the queues stand now: read once, not per month)
    assert six - three == 3 * 5, (three, six)
