"""Closing an account erases what the member wrote in their service requests, wherever it was
kept: the request's own columns and the steps' notes (the RATED step carried the comment)."""

from __future__ import annotations

from tests.services.helpers import make_item, principal
from unionhub.identity.seed import DEMO_PASSWORD
from unionhub.services import requests
from unionhub.services.models import ServiceRequest, ServiceRequestEvent

CLOSE = """mutation C($input: CloseAccountInput!) { closeAccount(input: $input) {
  closed errors { code field } } }"""
EVENTS = """query R($id: ID!) { serviceRequest(id: $id) { ratingComment events { action note } } }"""


async def test_closure_erases_the_rating_comment_from_the_steps_too(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    item = await make_item(cadre, tree.counties["A"])
    req = await requests.submit(principal(member), item.id, "拖欠工资", {},
                                idempotency_key="closure-retry-1")
    assert (await ServiceRequest.get(id=req.id)).request_fingerprint
    await requests.accept(principal(cadre), req.id)
    await requests.complete(principal(cadre), req.id, "已协调补发")
    comment = "我是张三，电话13800001111，谢谢"
    await requests.rate(principal(member), req.id, 5, comment)

    closed = await gql(CLOSE, {"input": {"password": DEMO_PASSWORD}}, token=member.token)
    assert closed.data["closeAccount"] == {"closed": True, "errors": []}

    row = await ServiceRequest.get(id=req.id)
    assert (row.details, row.rating_comment, row.rating) == ("", None, 5)  # the figure stays
    assert row.request_fingerprint is None  # a hash of the details goes with them
    notes = await ServiceRequestEvent.filter(request_id=req.id).values_list("action", "note")
    assert comment not in str(notes)
    assert ("COMPLETED", "已协调补发") in notes  # the union's own record stays
    seen = await gql(EVENTS, {"id": str(req.id)}, token=cadre.token)
    assert comment not in str(seen.body)
    assert [e["action"] for e in seen.data["serviceRequest"]["events"]] == [
        "SUBMITTED", "ACCEPTED", "COMPLETED", "RATED"]
