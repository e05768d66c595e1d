"""A service request outside the caller's reach answers exactly as a request that does not
exist: a cadre whose scope does not hold the handling org, or a member rating someone else's
request, learns nothing about which ids exist (serviceRequest(id:) already answers null)."""

from __future__ import annotations

from tests.services.helpers import ACCEPT, COMPLETE, RATE, REJECT, START, make_item, principal
from unionhub.services import requests
from unionhub.services.models import ServiceRequest, ServiceRequestEvent

MISSING = "987654321"


async def test_out_of_reach_requests_answer_as_missing_ones_and_change_nothing(gql, factory):
    tree = await factory.tree()
    handler = await factory.cadre(tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    item = await make_item(handler, tree.counties["A"], required_fields=[])
    req = await requests.submit(principal(member), item.id, "咨询", {})
    rid = str(req.id)
    steps = [(ACCEPT, {}), (START, {}), (COMPLETE, {"r": "已办结"}), (REJECT, {"r": "不受理"})]
    outsiders = [await factory.cadre(tree.counties["B"]),  # a neighbouring county
                 await factory.cadre(tree.grassroots["A"][0])]  # below the handling org
    for cadre in outsiders:
        for query, extra in steps:
            existing = await gql(query, {"id": rid, **extra}, token=cadre.token)
            missing = await gql(query, {"id": MISSING, **extra}, token=cadre.token)
            assert existing.told() == missing.told(), query
            assert existing.told()[1][0][0]["code"] == "NOT_FOUND", query
    stranger = await factory.account(tree.grassroots["A"][0])
    existing = await gql(RATE, {"id": rid, "n": 1}, token=stranger.token)
    missing = await gql(RATE, {"id": MISSING, "n": 1}, token=stranger.token)
    assert existing.told() == missing.told()
    assert existing.told()[1][0][0]["code"] == "NOT_FOUND"
    row = await ServiceRequest.get(id=req.id)
    assert (row.status, row.rating) == ("SUBMITTED", None)
    assert await ServiceRequestEvent.filter(request_id=req.id).count() == 1  # SUBMITTED only


MEMBER_LISTS = """query M($id: ID!) { member(id: $id) {
  serviceRequestsConnection { edges { node { id details } } } serviceRequests { id details } } }"""


async def test_a_members_lists_show_a_cadre_only_the_requests_its_scope_handles(gql, factory):
    # A grassroots cadre holds the member's union but not the county that handles the
    # counselling request: serviceRequest(id) answers null, and so must the member's lists.
    tree = await factory.tree()
    county, grassroots = tree.counties["A"], tree.grassroots["A"][0]
    member = await factory.account(grassroots)
    county_item = await make_item(await factory.cadre(county), county, name="心理咨询")
    own_item = await make_item(await factory.cadre(grassroots), grassroots, name="困难帮扶")
    above = await requests.submit(principal(member), county_item.id, "失眠焦虑", {})
    here = await requests.submit(principal(member), own_item.id, "家中困难", {})

    def shown(result) -> tuple[list[int], list[int]]:
        lists = result.data["member"]
        return ([int(e["node"]["id"]) for e in lists["serviceRequestsConnection"]["edges"]],
                [int(r["id"]) for r in lists["serviceRequests"]])

    low = await factory.cadre(grassroots)
    result = await gql(MEMBER_LISTS, {"id": str(member.id)}, token=low.token)
    assert result.errors == [] and shown(result) == ([here.id], [here.id])
    assert "失眠焦虑" not in str(result.body)
    # The county's cadres, and the member, see both.
    for reader in (await factory.cadre(county), member):
        result = await gql(MEMBER_LISTS, {"id": str(member.id)}, token=reader.token)
        assert shown(result) == ([here.id, above.id], [here.id, above.id])
