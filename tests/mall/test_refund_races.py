"""Refunds raced and replayed (a review of money under concurrency): our refund racing a
refund the provider reports (its dashboard). Through Stripe's real SDK against its
stand-in."""

from __future__ import annotations

import asyncio

import pytest

from tests.mall.conftest import PAY, place, send
from unionhub.db import is_postgres
from unionhub.identity.models import AuditLog
from unionhub.mall.models import Order, Payment

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

REFUND = """mutation R($input: RefundOrderInput!) { refundOrder(input: $input) {
  order { id status } errors { code } } }"""


async def _paid_order(http, gql, member, mall, stripe_api) -> tuple[str, str]:
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    r = await gql(PAY, {"input": {"orderId": order["id"], "method": "CARD"}},
                  token=member.token)
    ref = stripe_api.ref_from_checkout(r.data["payOrder"]["checkout"])
    stripe_api.pay(ref)
    assert stripe_api.accepted(await send(http, stripe_api.webhook_path,
                                          stripe_api.success_notification(ref)))
    return order["id"], ref


async def test_our_refund_racing_a_refund_the_provider_reports_neither_deadlocks(
        http, gql, factory, mall, stripe_api):
    """refundOrder locked the order, then the payment; the provider's full refund locked the
    payment, then the order: on PostgreSQL, one of the two was killed as a deadlock (the
    member's refund answered an internal error, or the rail's notification refused)."""
    if not is_postgres():
        pytest.skip("SQLite runs one writer at a time: no interleaving to test")
    member = await factory.account()
    for _ in range(8):
        order_id, ref = await _paid_order(http, gql, member, mall, stripe_api)
        ours, theirs = await asyncio.gather(
            gql(REFUND, {"input": {"orderId": order_id}}, token=member.token),
            send(http, stripe_api.webhook_path, stripe_api.refund_notification(ref)))
        assert ours.errors == [], ours.errors
        assert stripe_api.accepted(theirs), theirs.text
        codes = [e["code"] for e in ours.data["refundOrder"]["errors"]]
        assert codes in ([], ["INVALID_TRANSITION"])  # the provider's refund came first
        assert (await Order.get(id=int(order_id))).status == "REFUNDED"
        assert (await Payment.get(provider_ref=ref)).status == "REFUNDED"
    # The money came back once per payment, audited once; the member's refund is audited
    # only where it won.
    assert await AuditLog.filter(action="mall.payment.refunded").count() == 8
    assert await AuditLog.filter(action="mall.order.refund").count() <= 8
