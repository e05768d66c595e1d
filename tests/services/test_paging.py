"""Services' paged lists through GraphQL (issue 24, point 4): a member's requests, and the
connections that already paged (now with totalCount and the one page-size rule)."""

from __future__ import annotations

from tests.paging import assert_pages, connection_query
from tests.services.helpers import make_item, principal
from unionhub.services import requests
from unionhub.services.models import TimeLimitUnit


async def test_a_members_requests_page_newest_first(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    item = await make_item(cadre, tree.counties["A"], time_limit=2,
                           unit=TimeLimitUnit.WORKING_DAYS)
    member = await factory.account(tree.grassroots["A"][0])
    made = [await requests.submit(principal(member), item.id, f"第{i}件") for i in range(6)]
    newest = [str(r.id) for r in reversed(made)]
    query = connection_query("serviceRequestsConnection", variables="$m: ID!",
                             outer="member(id: $m)")
    await assert_pages(gql, query, "member.serviceRequestsConnection", {"m": member.id},
                       member.token, newest)
    await assert_pages(gql, query, "member.serviceRequestsConnection", {"m": member.id},
                       cadre.token, newest)
    outsider = await factory.cadre(tree.counties["B"])
    r = await gql(query, {"m": member.id, "first": 2}, token=outsider.token)
    assert r.errors == [] and r.data["member"] is None
    mine = connection_query("myServiceRequests")
    await assert_pages(gql, mine, "myServiceRequests", {}, member.token, newest)
    handled = connection_query("serviceRequests", "unionId: $u", "$u: ID!")
    await assert_pages(gql, handled, "serviceRequests", {"u": str(tree.counties["A"].id)},
                       cadre.token, newest)
