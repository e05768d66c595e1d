"""Refunds and payments followed by reconciliation (issue 18), over every rail's stand-in
through its real SDK: a refund asked for at the end of its window is still followed after it,
one asked for 30 days ago is still reconciled (and flagged), an open payment past its window
is no longer asked about, a refund that never reaches its rail is flagged after days and goes
out when the rail is back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.mall.refund_flows import REFUND, _paid_order, _paying
from unionhub.clock import utcnow
from unionhub.mall import payments, reconciliation
from unionhub.mall.models import Payment, PaymentException, PaymentMethod

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")


async def test_a_refund_asked_for_at_the_end_of_its_window_is_followed_after_it(
        http, gql, factory, mall, rail):
    """Found by a review: a refund asked for on day 179 of a 180-day window (allowed) was
    no longer asked about, nor flagged, once its payment was older than the window."""
    if rail.refunds_complete_synchronously:
        pytest.skip(f"{rail.provider} answers the refund call with its outcome")
    member = await factory.account()
    order_id, ref = await _paid_order(http, gql, member, mall, rail)
    window = payments.REFUND_WINDOW[PaymentMethod(rail.method)]
    late = utcnow() - window + timedelta(days=1)
    await Payment.filter(provider_ref=ref).update(created_at=late, succeeded_at=late)
    refunded = await gql(REFUND, {"input": {"orderId": order_id}}, token=member.token)
    assert refunded.data["refundOrder"]["errors"] == []
    # A week later the refund is still pending; its payment is past the window.
    week = timedelta(days=7)
    await Payment.filter(provider_ref=ref).update(
        created_at=late - week, succeeded_at=late - week,
        refund_requested_at=utcnow() - week, next_check_at=utcnow() - timedelta(minutes=1))
    assert await reconciliation.reconcile_payments() == 0  # asked: still processing
    payment = await Payment.get(provider_ref=ref)
    assert payment.check_count == 1 and payment.status == "REFUND_PENDING"
    [flag] = await PaymentException.filter(kind="OPEN_TOO_LONG", status="OPEN")
    assert flag.payment_id == payment.id and "7 days" in flag.reason
    # The money goes back at the rail, its notice lost: the next question settles it.
    rail.refund_notification(ref)
    await Payment.filter(provider_ref=ref).update(next_check_at=utcnow() - timedelta(seconds=1))
    assert await reconciliation.reconcile_payments() == 1
    assert (await Payment.get(provider_ref=ref)).status == "REFUNDED"


async def test_an_open_payment_past_its_window_is_no_longer_asked(gql, factory, mall, rail):
    member = await factory.account()
    _order_id, ref = await _paying(gql, member, mall, rail)
    old = utcnow() - payments.REFUND_WINDOW[PaymentMethod(rail.method)] - timedelta(days=1)
    await Payment.filter(provider_ref=ref).update(created_at=old, next_check_at=old)
    assert await reconciliation.reconcile_payments() == 0 and rail.calls.queries == []


async def test_a_refund_asked_for_30_days_ago_is_still_reconciled(http, gql, factory, mall,
                                                                  rail):
    if rail.refunds_complete_synchronously:
        pytest.skip(f"{rail.provider} answers the refund call with its outcome")
    member = await factory.account()
    order_id, ref = await _paid_order(http, gql, member, mall, rail)
    await gql(REFUND, {"input": {"orderId": order_id}}, token=member.token)
    month_ago = utcnow() - timedelta(days=30)
    await Payment.filter(provider_ref=ref).update(
        created_at=month_ago, succeeded_at=month_ago, refund_requested_at=month_ago,
        next_check_at=month_ago, check_count=12)
    assert await reconciliation.reconcile_payments() == 0  # still processing at the rail
    payment = await Payment.get(provider_ref=ref)
    # Asked again later, not never: the backoff tops out at six hours.
    assert payment.check_count == 13
    assert timedelta(hours=5) < payment.next_check_at - utcnow() <= reconciliation.MAX_BACKOFF
    # Open for 30 days: a person is told.
    [flag] = await PaymentException.filter(kind="OPEN_TOO_LONG")
    assert flag.payment_id == payment.id and "30 days" in flag.reason
    rail.refund_notification(ref)  # the money goes back at the rail; the notice is lost
    await Payment.filter(provider_ref=ref).update(next_check_at=utcnow())
    assert await reconciliation.reconcile_payments() == 1
    assert (await Payment.get(provider_ref=ref)).status == "REFUNDED"


async def test_a_refund_that_never_reaches_its_rail_is_flagged_after_days(
        http, gql, factory, mall, monkeypatch):
    from tests.mall.conftest import registered
    from tests.mall.standins.wechatpay import standin

    async with registered(standin(monkeypatch)) as wechat:
        member = await factory.account()
        order_id, ref = await _paid_order(http, gql, member, mall, wechat)
        wechat.unreachable = True
        await gql(REFUND, {"input": {"orderId": order_id}}, token=member.token)
        payment = await Payment.get(provider_ref=ref)
        assert (payment.status, payment.refund_ref) == ("REFUND_PENDING", None)
        assert await reconciliation.retry_pending_refunds() == 0
        assert await PaymentException.all().count() == 0  # only minutes old
        await Payment.filter(id=payment.id).update(
            refund_requested_at=utcnow() - timedelta(days=6))
        for _ in range(2):
            assert await reconciliation.retry_pending_refunds() == 0
        [flag] = await PaymentException.all()
        assert flag.kind == "OPEN_TOO_LONG" and "6 days" in flag.reason
        wechat.unreachable = False  # the rail is back: the refund goes out
        assert await reconciliation.retry_pending_refunds() == 1
        assert (await Payment.get(id=payment.id)).refund_ref == f"{ref}R"


async def test_a_pending_refund_of_a_rail_no_longer_configured_is_flagged(
        http, gql, factory, mall, monkeypatch):
    """Found by a review: WeChat Pay moved to another provider (UNIONHUB_PAYMENT_PROVIDERS),
    the refunds its rail still owed were never asked about again, nor flagged: reconciliation
    looked only at payments of configured providers, so they stayed REFUND_PENDING forever
    and no one was told."""
    from tests.mall.conftest import registered
    from tests.mall.standins.wechatpay import standin
    from unionhub.settings import get_settings

    async with registered(standin(monkeypatch)) as wechat:
        member = await factory.account()
        order_id, ref = await _paid_order(http, gql, member, mall, wechat)
        await gql(REFUND, {"input": {"orderId": order_id}}, token=member.token)
        payment = await Payment.get(provider_ref=ref)
        assert payment.status == "REFUND_PENDING" and payment.refund_ref is not None
        monkeypatch.setattr(get_settings(), "payment_providers",
                            {**get_settings().payment_providers, "WECHAT_PAY": "stripe"})
        await Payment.filter(id=payment.id).update(
            refund_requested_at=utcnow() - timedelta(days=6),
            next_check_at=utcnow() - timedelta(minutes=1))
        assert await reconciliation.reconcile_payments() == 0
        [flag] = await PaymentException.all()
        assert (flag.kind, flag.payment_id) == ("OPEN_TOO_LONG", payment.id)
        # Asked about later again (backed off), not at the front of every sweep.
        assert (await Payment.get(id=payment.id)).next_check_at > utcnow()
