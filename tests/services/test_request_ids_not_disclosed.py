"""A service request outside the caller's reach answers exactly as a request that does not
exist: a cadre whose scope does not hold the handling org, or a member rating someone else's
request, learns nothing about which ids exist (serviceRequest(id:) already answers null)."""

from __future__ import annotations

from tests.services.helpers import make_item, principal
from tests.services.test_requests import ACCEPT, COMPLETE, RATE, REJECT, START
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
