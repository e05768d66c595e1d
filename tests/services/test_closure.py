"""Closing an account erases what the member wrote in their service requests, wherever it was
kept: the request's own columns and the steps' notes (the RATED step carried the comment)."""

from __future__ import annotations

import pytest

from tests.pg_locks import while_closing
from tests.services.helpers import RATE, SUBMIT, make_item, principal
from unionhub import db
from unionhub.identity.seed import DEMO_PASSWORD
from unionhub.services import personal, requests
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
    assert (row.details_enc, row.rating_comment_enc, row.rating) == ("", None, 5)  # the figure stays
    assert row.request_fingerprint is None  # a hash of the details goes with them
    notes = await ServiceRequestEvent.filter(request_id=req.id).values_list("action", "note")
    assert comment not in str(notes)
    assert personal.resolution_of(row) == "已协调补发"  # the union's own record stays
    seen = await gql(EVENTS, {"id": str(req.id)}, token=cadre.token)
    assert comment not in str(seen.body)
    assert [e["action"] for e in seen.data["serviceRequest"]["events"]] == [
        "SUBMITTED", "ACCEPTED", "COMPLETED", "RATED"]


async def test_a_request_never_lands_on_an_account_closed_meanwhile(gql, factory):
    """submitServiceRequest read the member's record, then wrote the request: a closure that
    committed in between (after erasing the requests there were) left this one's details, the
    member's words, on a closed account."""
    if not db.is_postgres():
        pytest.skip("holds a row lock from a second PostgreSQL connection")
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    item = await make_item(cadre, tree.counties["A"])
    assert (await gql("{ me { id } }", token=member.token)).errors == []  # the record cached
    submitted = await while_closing(member.member.id, gql(SUBMIT, {"input": {
        "itemId": str(item.id), "details": "拖欠工资三个月，我叫王小明"}}, token=member.token))
    # (answered as a closed account is)
    assert [e["extensions"] for e in submitted.errors] == [
        {"code": "FORBIDDEN", "reason": "NOT_VERIFIED"}], submitted.body
    assert not await ServiceRequest.filter(member_id=member.member.id).exists()


async def test_a_rating_never_lands_on_an_account_closed_meanwhile(gql, factory):
    """rateServiceRequest wrote the member's comment without looking at their account: one
    racing the closure (or sent with the closed account's token in the seconds before its
    revocation reaches every process) kept the comment the closure had just erased."""
    if not db.is_postgres():
        pytest.skip("holds a row lock from a second PostgreSQL connection")
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    item = await make_item(cadre, tree.counties["A"])
    req = await requests.submit(principal(member), item.id, "拖欠工资", {})
    await requests.accept(principal(cadre), req.id)
    await requests.complete(principal(cadre), req.id, "已协调补发")
    rated = await while_closing(member.member.id, gql(RATE, {
        "id": str(req.id), "n": 5, "c": "我是王小明，电话13800001111"}, token=member.token))
    assert [e["code"] for e in rated.data["rateServiceRequest"]["errors"]] == ["NOT_FOUND"], \
        rated.body  # as anyone else's request reads
    row = await ServiceRequest.get(id=req.id)
    assert (row.rating, row.rating_comment_enc) == (None, None)
    assert not await ServiceRequestEvent.filter(request_id=req.id, action="RATED").exists()
