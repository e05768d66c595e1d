"""Trades closed on cancel and timeout (issue 18), over every rail's stand-in through its real
SDK: cancel closes the trade at the rail and a late payment is refunded, the timeout closes
it, a cancel racing the payment never loses the money, the trade at the rail expires with the
order, trades the rail cannot close yet do not hold the others up."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from tests.mall.conftest import send
from tests.mall.refund_flows import _end_refund_failed, _paying
from unionhub.clock import SHANGHAI, utcnow
from unionhub.mall import reconciliation
from unionhub.mall.models import Order, OrderEvent, Payment, PaymentException

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

CANCEL = """mutation C($input: CancelOrderInput!) { cancelOrder(input: $input) {
  order { id status } errors { code } } }"""


async def test_cancel_closes_the_trade_and_a_late_payment_is_refunded(http, gql, factory,
                                                                      mall, rail):
    member = await factory.account()
    order_id, ref = await _paying(gql, member, mall, rail)
    rail.reach(ref)
    cancelled = await gql(CANCEL, {"input": {"orderId": order_id}}, token=member.token)
    assert cancelled.data["cancelOrder"]["order"]["status"] == "CANCELLED"
    assert rail.calls.closes == [ref] and rail.is_closed(ref)
    assert (await Payment.get(provider_ref=ref)).status == "FAILED"
    assert await OrderEvent.filter(order_id=int(order_id), kind="TRADE_CLOSED").count() == 1
    # A payment that raced the close still arrives: refunded; the refund fails: an exception.
    rail.pay(ref)
    rail.fail_next_refund = True
    assert rail.accepted(await send(http, rail.webhook_path, rail.success_notification(ref)))
    assert rail.calls.refunds == [ref]
    await _end_refund_failed(http, rail, ref)
    assert (await Order.get(id=int(order_id))).status == "CANCELLED"
    [opened] = await PaymentException.filter(status="OPEN")
    assert opened.kind == "REFUND_FAILED" and opened.order_id == int(order_id)


async def test_the_timeout_closes_the_trade(gql, factory, mall, rail):
    member = await factory.account()
    order_id, ref = await _paying(gql, member, mall, rail)
    rail.reach(ref)
    await Order.filter(id=int(order_id)).update(expires_at=utcnow() - timedelta(seconds=1))
    assert await reconciliation.cancel_expired_orders() == 1
    assert rail.calls.closes == [ref] and rail.is_closed(ref)
    assert (await Payment.get(provider_ref=ref)).status == "FAILED"
    # Closed once: the next sweep has nothing left to close.
    assert await reconciliation.close_unpayable_trades() == 0 and rail.calls.closes == [ref]


async def test_cancel_racing_the_payment_never_loses_the_money(http, gql, factory, mall,
                                                               stripe_api):
    member = await factory.account()
    for _ in range(3):
        order_id, ref = await _paying(gql, member, mall, stripe_api)
        stripe_api.pay(ref)
        await asyncio.gather(
            gql(CANCEL, {"input": {"orderId": order_id}}, token=member.token),
            send(http, stripe_api.webhook_path, stripe_api.success_notification(ref)))
        status = (await Order.get(id=int(order_id))).status
        payment = await Payment.get(provider_ref=ref)
        # Either the money paid the order, or the order was cancelled and the money goes back.
        assert (status, payment.status) in (("PAID", "SUCCEEDED"),
                                            ("CANCELLED", "REFUND_PENDING"))
        assert (ref in stripe_api.calls.refunds) == (status == "CANCELLED")


def _expiry_sent(rail, payment: Payment) -> datetime:
    """The deadline our create request gave the rail, in each rail's own format."""
    sent = rail.calls.payments[-1]
    if rail.provider == "stripe":
        return datetime.fromisoformat(sent["metadata[expires_at]"])
    if rail.provider == "wechatpay":
        return datetime.fromisoformat(sent["time_expire"])
    return datetime.strptime(sent["biz_content"]["time_expire"], "%Y-%m-%d %H:%M:%S").replace(
        tzinfo=SHANGHAI)


async def test_the_trade_at_the_rail_expires_with_the_order(gql, factory, mall, rail):
    member = await factory.account()
    order_id, ref = await _paying(gql, member, mall, rail)
    expires_at = (await Order.get(id=int(order_id))).expires_at
    sent = _expiry_sent(rail, await Payment.get(provider_ref=ref))
    assert abs((sent - expires_at).total_seconds()) < 1


async def test_trades_the_rail_cannot_close_yet_do_not_hold_the_others_up(gql, factory, mall,
                                                                         monkeypatch):
    """Three cancelled orders' open trades, a rail that cannot be reached, and a sweep that
    takes two at a time: the second sweep reaches the third (the longest-unasked first). Before,
    the sweep took the lowest ids each minute, so trades the rail would not close held the
    front of the queue for ever (review: the queue also holds orders paid another way now)."""
    from tests.mall.conftest import registered
    from tests.mall.standins.wechatpay import standin

    async with registered(standin(monkeypatch)) as wechat:
        member = await factory.account()
        refs = []
        for _ in range(3):
            order_id, ref = await _paying(gql, member, mall, wechat)
            refs.append(ref)
            await Order.filter(id=int(order_id)).update(status="CANCELLED")
        wechat.unreachable = True
        started = utcnow()
        for _ in range(2):
            assert await reconciliation.close_unpayable_trades(limit=2) == 0
        asked = [(await Payment.get(provider_ref=ref)).checked_at for ref in refs]
        assert all(at is not None and at >= started for at in asked), asked
        wechat.unreachable = False  # the rail is back: every trade closes
        assert await reconciliation.close_unpayable_trades() == 3
        assert sorted(wechat.calls.closes) == sorted(refs)
