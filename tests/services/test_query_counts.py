"""List operations make a fixed number of SQL queries however long the list (no N+1)."""

from __future__ import annotations

from tests.services.helpers import _count, make_item, principal
from unionhub.clock import today_shanghai
from unionhub.services import requests

LIST = """query L($u: ID!) { serviceRequests(unionId: $u, first: 50) { edges { node {
  id status overdue deadline item { name offeredBy { name } } handledBy { name }
  events { action actor { id } } member { id } } } } }"""
MINE = """{ myServiceRequests(first: 50) { edges { node { id item { name } events { action } } } } }"""
RANKING = """query R($u: ID!, $p: String!) { unionRanking(parentId: $u, period: $p) {
  union { name } requestsReceived onTimeRate verifiedMembers } }"""


async def test_request_lists_do_not_grow_with_their_length(gql, factory, spans):
    tree = await factory.tree()
    county = tree.counties["A"]
    cadre = await factory.cadre(county)
    member = await factory.account(tree.grassroots["A"][0])
    items = [await make_item(cadre, county, name=f"事项{i}") for i in range(3)]
    for i in range(3):
        await requests.submit(principal(member), items[i].id, "d")
    counts = []
    for extra in (0, 9):
        for i in range(extra):
            req = await requests.submit(principal(member), items[i % 3].id, "d")
            await requests.accept(principal(cadre), req.id)
        counts.append((
            await _count(gql, spans, LIST, {"u": str(county.id)}, cadre.token),
            await _count(gql, spans, MINE, {}, member.token),
        ))
    assert counts[0] == counts[1]
    # cadre list: the scope union, the page, items, events, union names (one batch each);
    # the member's list: the caller's record (member, card), the page, items, events.
    assert counts[0] == (5, 4), counts


async def test_ranking_is_one_query_per_figure(gql, factory, spans):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    period = today_shanghai().strftime("%Y-%m")
    n = await _count(gql, spans, RANKING, {"u": str(tree.province.id), "p": period}, cadre.token)
    # the parent, its children, request figures (one depth), registered and verified members
    # (one), overdue join applications, articles published and article reads (content, one
    # depth each), union names
    assert n == 8, n
