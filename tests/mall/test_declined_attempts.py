"""A declined attempt is not the end of a payment: the rail can still take money for the
trade (Stripe keeps the PaymentIntent payable after payment_intent.payment_failed; WeChat
Pay's PAYERROR; a failed try in Alipay's cashier), so the payment stays REQUIRES_PAYMENT and
is followed until the trade is paid or closed. Found by a review: a declined Stripe attempt
made the payment FAILED, and a retry's lost success was never asked about again (the order
cancelled, the money kept, nobody told). Over every rail, through its real SDK."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.mall.conftest import PAY, place, send
from unionhub import db
from unionhub.clock import utcnow
from unionhub.mall import reconciliation
from unionhub.mall.models import Order, OrderEvent, Payment, PaymentException

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")


async def _declined(http, gql, member, mall, rail) -> tuple[str, str]:
    """An order whose first payment attempt the rail declined: (order id, provider ref)."""
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    r = await gql(PAY, {"input": {"orderId": order["id"], "method": rail.method}},
                  token=member.token)
    ref = rail.ref_from_checkout(r.data["payOrder"]["checkout"])
    rail.reach(ref)
    notification = rail.decline(ref)
    if notification is not None:
        assert rail.accepted(await send(http, rail.webhook_path, notification))
    # Rails that notify no decline: reconciliation learns it by asking.
    await Payment.filter(provider_ref=ref).update(next_check_at=utcnow() - timedelta(seconds=1))
    await reconciliation.reconcile_payments()
    payment = await Payment.get(provider_ref=ref)
    assert payment.status == "REQUIRES_PAYMENT"  # not final: the trade can still be paid
    assert (await Order.get(id=int(order["id"]))).status == "PENDING_PAYMENT"
    return order["id"], ref


async def _expire(order_id: str) -> None:
    await Order.filter(id=int(order_id)).update(expires_at=utcnow() - timedelta(minutes=1))
    await Payment.filter(order_id=int(order_id)).update(
        next_check_at=utcnow() - timedelta(minutes=1))


async def test_a_retry_paid_after_a_decline_pays_the_order_though_its_notice_is_lost(
        http, gql, factory, mall, rail):
    member = await factory.account()
    order_id, ref = await _declined(http, gql, member, mall, rail)
    rail.pay(ref)  # the member pays again; the success notification never arrives
    await _expire(order_id)
    # The expiry job asks before cancelling: the order is paid, nothing refunded.
    assert await reconciliation.cancel_expired_orders() == 0
    assert (await Order.get(id=int(order_id))).status == "PAID"
    assert (await Payment.get(provider_ref=ref)).status == "SUCCEEDED"
    assert rail.calls.refunds == [] and rail.calls.closes == []
    kinds = await OrderEvent.filter(order_id=int(order_id)).values_list("kind", flat=True)
    assert "PAID" in kinds


async def test_reconciliation_follows_a_declined_payment(http, gql, factory, mall, rail):
    member = await factory.account()
    order_id, ref = await _declined(http, gql, member, mall, rail)
    rail.pay(ref)
    await Payment.filter(provider_ref=ref).update(next_check_at=utcnow() - timedelta(seconds=1))
    assert await reconciliation.reconcile_payments() == 1
    assert (await Order.get(id=int(order_id))).status == "PAID"


async def test_a_declined_trade_is_closed_at_the_timeout_and_ends_failed(http, gql, factory,
                                                                         mall, rail):
    member = await factory.account()
    order_id, ref = await _declined(http, gql, member, mall, rail)
    await _expire(order_id)
    assert await reconciliation.cancel_expired_orders() == 1
    assert rail.calls.closes == [ref] and rail.is_closed(ref)
    assert (await Payment.get(provider_ref=ref)).status == "FAILED"
    assert (await Order.get(id=int(order_id))).status == "CANCELLED"
    # Final: reconciliation no longer asks about it.
    asked = len(rail.calls.queries)
    await Payment.filter(provider_ref=ref).update(next_check_at=utcnow() - timedelta(minutes=1))
    assert await reconciliation.reconcile_payments() == 0 and len(rail.calls.queries) == asked


async def test_a_retry_paid_after_the_member_cancelled_is_refunded(http, gql, factory, mall,
                                                                   rail):
    member = await factory.account()
    order_id, ref = await _declined(http, gql, member, mall, rail)
    rail.pay(ref)  # paid while the member cancels: the close finds the trade paid
    cancel = """mutation C($input: CancelOrderInput!) { cancelOrder(input: $input) {
      order { id status } errors { code } } }"""
    r = await gql(cancel, {"input": {"orderId": order_id}}, token=member.token)
    assert r.data["cancelOrder"]["order"]["status"] == "CANCELLED"
    assert rail.calls.refunds == [ref]
    assert (await Payment.get(provider_ref=ref)).status in ("REFUND_PENDING", "REFUNDED")


async def test_a_decline_left_open_a_day_is_flagged(http, gql, factory, mall, rail):
    member = await factory.account()
    _, ref = await _declined(http, gql, member, mall, rail)
    await Payment.filter(provider_ref=ref).update(
        created_at=utcnow() - timedelta(days=2), next_check_at=utcnow() - timedelta(minutes=1))
    await reconciliation.reconcile_payments()
    [flagged] = await PaymentException.filter(status="OPEN")
    assert flagged.kind == "OPEN_TOO_LONG"


async def test_the_runbook_reopens_payments_an_older_release_failed_on_a_decline(
        http, gql, factory, mall, stripe_api):
    """OPERATORS.md's statement (run once after deploying) finds a payment an older release
    made FAILED on a decline: the jobs then learn that its retry was paid and refund it."""
    if not db.is_postgres():
        pytest.skip("the runbook's statement is PostgreSQL's")
    member = await factory.account()
    order_id, ref = await _declined(http, gql, member, mall, stripe_api)
    _, closed_ref = await _declined(http, gql, member, mall, stripe_api)
    stripe_api.close(closed_ref)
    await reconciliation.close_trade(await Payment.get(provider_ref=closed_ref))
    # Closed by the rail itself, learnt by asking: FAILED, final, never to be reopened.
    _, rail_closed_ref = await _declined(http, gql, member, mall, stripe_api)
    stripe_api.close(rail_closed_ref)
    await Payment.filter(provider_ref=rail_closed_ref).update(
        next_check_at=utcnow() - timedelta(seconds=1))
    await reconciliation.reconcile_payments()
    assert (await Payment.get(provider_ref=rail_closed_ref)).status == "FAILED"
    # What the older release left: FAILED on the decline, the order cancelled by the timeout,
    # the retry paid at Stripe, its notification lost.
    await Payment.filter(provider_ref=ref).update(status="FAILED")
    await Order.filter(id=int(order_id)).update(status="CANCELLED")
    stripe_api.pay(ref)
    text = (Path(__file__).parents[2] / "deploy" / "OPERATORS.md").read_text(encoding="utf-8")
    statement = text.split("```sql\n", 1)[1].split("```", 1)[0].strip().rstrip(";")
    reopened = await db.conn().execute_query_dict(statement)
    assert [r["id"] for r in reopened] == [(await Payment.get(provider_ref=ref)).id]
    await reconciliation.cancel_expired_orders()  # closes the cancelled orders' trades
    assert stripe_api.calls.refunds == [ref]
    assert (await Payment.get(provider_ref=ref)).status == "REFUND_PENDING"
    assert (await Payment.get(provider_ref=closed_ref)).status == "FAILED"
    assert (await Payment.get(provider_ref=rail_closed_ref)).status == "FAILED"
