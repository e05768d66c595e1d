"""Refunds made in a rail's dashboard before ours (a review of payments and refunds), over each
rail's stand-in through its real SDK: refundOrder after a partial refund at the rail asks for
what remains (WeChat Pay and Alipay were asked for the whole, refused it, and a REFUND_FAILED
exception opened for a person; Stripe refunds what remains when asked for no amount); WeChat
Pay's notices, each stating one refund's amount, add up once per refund."""

from __future__ import annotations

import pytest

from tests.mall.conftest import send
from tests.mall.refund_flows import REFUND, _paid_order
from tests.metrics_helpers import assert_alert_watches, total
from unionhub.identity.models import AuditLog
from unionhub.mall.models import Order, Payment, PaymentException

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")


def _asked_fen(rail, ref: str) -> int:
    """The amount of our refund as the rail received it."""
    if rail.provider == "stripe":
        # (the refunds we create carry metadata; the dashboard's, in the stand-in, none)
        return next(r["amount"] for r in rail.refunds.values()
                    if r["payment_intent"] == ref and "metadata" in r)
    if rail.provider == "wechatpay":
        return rail.refund_requests[-1]["amount"]["refund"]
    return rail.trades[ref].refunds.get(f"{ref}R")


async def test_a_refund_after_a_partial_one_at_the_rail_refunds_what_remains(
        http, gql, factory, mall, rail):
    member = await factory.account()
    order_id, ref = await _paid_order(http, gql, member, mall, rail)
    assert rail.accepted(await send(http, rail.webhook_path, rail.dashboard_refund(ref, 2000)))
    assert (await Payment.get(provider_ref=ref)).status == "SUCCEEDED"
    assert (await Order.get(id=int(order_id))).status == "PAID"

    refunded = await gql(REFUND, {"input": {"orderId": order_id}}, token=member.token)
    assert refunded.data["refundOrder"]["errors"] == []
    assert _asked_fen(rail, ref) == 3000  # what remains, not the 5000 paid
    if not rail.refunds_complete_synchronously:
        assert (await Payment.get(provider_ref=ref)).status == "REFUND_PENDING"
        assert rail.accepted(await send(http, rail.webhook_path, rail.refund_notification(ref)))
    payment = await Payment.get(provider_ref=ref)
    assert (payment.status, payment.refunded_fen) == ("REFUNDED", 5000)
    assert await PaymentException.all().count() == 0  # nobody has anything to chase
    asked = await AuditLog.get(action="mall.order.refund")
    assert (asked.detail["amount_fen"], asked.detail["refunded_before_fen"]) == (3000, 2000)
    rows = await AuditLog.filter(action="mall.payment.refunded").order_by("id")
    assert [(r.detail["full"], r.detail["made_at_provider"], r.detail["refunded_total_fen"])
            for r in rows] == [(False, True, 2000), (True, False, 5000)]


async def test_wechat_pay_partial_refunds_add_up_once_per_refund(http, gql, factory, mall,
                                                                 monkeypatch):
    """Each WeChat Pay notice states one refund's amount: read as totals, a second partial
    refund understated what was refunded, and partial refunds that gave everything back
    never made the payment REFUNDED."""
    from tests.mall.conftest import registered
    from tests.mall.standins.wechatpay import standin

    async with registered(standin(monkeypatch)) as wechat:
        member = await factory.account()
        order_id, ref = await _paid_order(http, gql, member, mall, wechat)
        first = wechat.dashboard_refund(ref, 1000)
        for _ in range(2):  # one notice, delivered twice
            assert wechat.accepted(await send(http, wechat.webhook_path, first))
        # The same refund told again under another notice id: counted once.
        again = wechat.refund_notification(ref, refund_fen=1000)
        assert wechat.accepted(await send(http, wechat.webhook_path, again))
        second = wechat.dashboard_refund(ref, 1500)
        assert wechat.accepted(await send(http, wechat.webhook_path, second))
        assert (await Payment.get(provider_ref=ref)).status == "SUCCEEDED"
        last = wechat.dashboard_refund(ref, 2500)
        assert wechat.accepted(await send(http, wechat.webhook_path, last))
    assert (await Payment.get(provider_ref=ref)).status == "REFUNDED"
    assert (await Order.get(id=int(order_id))).status == "REFUNDED"
    rows = await AuditLog.filter(action="mall.payment.refunded").order_by("id")
    assert [(r.detail["full"], r.detail["refunded_total_fen"]) for r in rows] == [
        (False, 1000), (False, 2500), (True, 5000)]  # one row per refund, not per notice
    assert (await Payment.get(provider_ref=ref)).refunded_fen == 5000


@pytest.mark.parametrize("rail", ["alipay", "wechatpay"], indirect=True)
async def test_a_refund_for_more_than_the_trade_has_left_opens_refund_failed_at_once(
        http, gql, factory, mall, rail):
    """A portal refund whose notice has not come: ours asks for the whole, more than the trade
    has left. WeChat Pay's refusal (400 INVALID_REQUEST) was counted as the rail unavailable,
    retried, and flagged OPEN_TOO_LONG only after 5 days; now, like Alipay's
    ACQ.REFUND_AMT_NOT_EQUAL_TOTAL (and Stripe's amount_too_large), it fails the refund at
    once and opens REFUND_FAILED for a person (deploy/OPERATORS.md)."""
    member = await factory.account()
    order_id, ref = await _paid_order(http, gql, member, mall, rail)
    rail.dashboard_refund(ref, 2000)  # its notice never reaches us
    unavailable = total("unionhub.mall.refunds.failed", {"reason": "unavailable"})
    opened = ("unionhub.mall.payment_exceptions.opened",
              {"kind": "REFUND_FAILED", "provider": rail.provider})
    before = total(*opened)
    refunded = await gql(REFUND, {"input": {"orderId": order_id}}, token=member.token)
    assert refunded.data["refundOrder"]["errors"] == []
    assert (await Payment.get(provider_ref=ref)).status == "REFUND_FAILED"
    [flag] = await PaymentException.filter(kind="REFUND_FAILED")
    code = {"wechatpay": "INVALID_REQUEST", "alipay": "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"}
    assert flag.status == "OPEN" and code[rail.provider] in flag.reason
    assert total("unionhub.mall.refunds.failed", {"reason": "unavailable"}) == unavailable
    assert total(*opened) == before + 1  # paged at once (UnionHubRefundFailed)
    assert_alert_watches("UnionHubRefundFailed", *opened)


async def test_the_refunded_money_counted_is_what_each_refund_gave_back(http, gql, factory,
                                                                       mall, rail):
    """unionhub.mall.payment.amount (refunded) counted the order's price when refundOrder
    refunded only what a portal refund left, and nothing for the portal's refund: now the
    portal's 2000 when told, then the 3000 asked for."""
    member = await factory.account()
    order_id, ref = await _paid_order(http, gql, member, mall, rail)
    money = ("unionhub.mall.payment.amount", {"direction": "refunded", "method": rail.method})
    start = total(*money)
    assert rail.accepted(await send(http, rail.webhook_path, rail.dashboard_refund(ref, 2000)))
    assert total(*money) - start == 2000
    mid = total(*money)
    refunded = await gql(REFUND, {"input": {"orderId": order_id}}, token=member.token)
    assert refunded.data["refundOrder"]["errors"] == []
    if not rail.refunds_complete_synchronously:
        assert rail.accepted(await send(http, rail.webhook_path, rail.refund_notification(ref)))
    assert (await Payment.get(provider_ref=ref)).status == "REFUNDED"
    assert total(*money) - mid == 3000  # what we asked for; its landing counts nothing more
