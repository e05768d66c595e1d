"""The mall's part of a member's data (mall/memberdata.py): the reason a buyer gave for a
refund is their words, kept in the order's REFUND_REQUESTED event (it also went to the rail):
in their export, and erased by their account's closure while the order and its events stay.
No order is written for an account closed while it was being placed."""

from __future__ import annotations

import pytest

from tests.mall.conftest import ADDRESS, PAY, PLACE, new_key, place, send
from tests.pg_locks import while_closing
from unionhub import db
from unionhub.identity.seed import DEMO_PASSWORD
from unionhub.mall.models import Order, OrderEvent

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

REFUND = """mutation R($input: RefundOrderInput!) { refundOrder(input: $input) {
  order { id status } errors { code } } }"""
CLOSE = """mutation C($input: CloseAccountInput!) { closeAccount(input: $input) {
  closed errors { code } } }"""
REASON = "孩子住院急需用钱"


async def test_a_buyers_refund_reason_is_exported_and_erased_on_closure(http, gql, factory, mall,
                                                                       rail):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    paid = await gql(PAY, {"input": {"orderId": order["id"], "method": rail.method}},
                     token=member.token)
    ref = rail.ref_from_checkout(paid.data["payOrder"]["checkout"])
    rail.pay(ref)
    assert rail.accepted(await send(http, rail.webhook_path, rail.success_notification(ref)))
    refunded = await gql(REFUND, {"input": {"orderId": order["id"], "reason": REASON}},
                         token=member.token)
    assert refunded.data["refundOrder"]["order"]["status"] == "REFUNDED"

    export = (await gql("{ myPersonalData }", token=member.token)).data["myPersonalData"]
    [exported] = export["mall"]["orders"]
    assert [e.get("reason") for e in exported["events"] if e["kind"] == "REFUND_REQUESTED"] == [
        REASON]

    closed = await gql(CLOSE, {"input": {"password": DEMO_PASSWORD}}, token=member.token)
    assert closed.data["closeAccount"] == {"closed": True, "errors": []}
    events = await OrderEvent.filter(order_id=int(order["id"])).order_by("id")
    assert "REFUNDED" in [e.kind for e in events]  # the order's history stays
    assert REASON not in str([e.detail for e in events])


async def test_an_order_never_lands_on_an_account_closed_meanwhile(gql, factory, mall):
    """placeOrder read the buyer's record, then wrote the order without looking at the member
    row again: a closure committing in between (its check for open orders found none yet)
    left an order awaiting payment, its recipient, phone and street stored, on a closed
    account that nothing would erase."""
    if not db.is_postgres():
        pytest.skip("holds a row lock from a second PostgreSQL connection")
    member = await factory.account()
    assert (await gql("{ me { id } }", token=member.token)).errors == []  # the record cached
    placed = await while_closing(member.member.id, gql(PLACE, {"input": {
        "items": [{"skuId": mall.sku_id, "quantity": 1}], "address": ADDRESS,
        "idempotencyKey": new_key()}}, token=member.token))
    assert [e["code"] for e in placed.data["placeOrder"]["errors"]] == ["NOT_FOUND"], placed.body
    assert not await Order.filter(member_id=member.member.id).exists()
