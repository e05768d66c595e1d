"""Refunds raced and replayed (a review of money under concurrency): our refund racing a
refund the provider reports (its dashboard), and a refund attempt's end reported late,
after an operator's retry started the next attempt, or before our record of the attempt
has committed. Through Stripe's real SDK against its stand-in."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.mall.conftest import send
from tests.mall.refund_flows import REFUND, _paid_order
from tests.mall.standins.stripe import signed
from unionhub.db import is_postgres
from unionhub.identity.models import AuditLog
from unionhub.mall.models import Order, Payment, PaymentException

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

RESOLVE = """mutation X($input: ResolvePaymentExceptionInput!) { resolvePaymentException(input: $input) {
  exception { id status } errors { code } } }"""


def _refund_event(type_: str, refund: dict, event_id: str | None = None):
    """A Stripe event about one refund object (refund.failed, charge.refund.updated)."""
    return signed({"id": event_id or f"evt_{type_}_{refund['id']}", "object": "event",
                   "api_version": "2024-06-20", "created": int(time.time()),
                   "livemode": False, "type": type_, "data": {"object": dict(refund)}})


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


async def _retried_after_a_failure(http, gql, factory, mall, stripe_api) -> tuple[str, dict]:
    """A paid order's refund that Stripe failed, retried by an operator: (the payment's ref,
    the first attempt's refund object at the stand-in)."""
    member, operator = await factory.account(), await factory.operator()
    order_id, ref = await _paid_order(http, gql, member, mall, stripe_api)
    await gql(REFUND, {"input": {"orderId": order_id}}, token=member.token)
    first = stripe_api.refunds[(await Payment.get(provider_ref=ref)).refund_ref]
    assert stripe_api.accepted(await send(http, stripe_api.webhook_path,
                                          stripe_api.refund_failed_notification(ref)))
    flag = await PaymentException.get(kind="REFUND_FAILED")
    retried = await gql(RESOLVE, {"input": {"id": str(flag.id), "action": "RETRY"}},
                        token=operator.token)
    assert retried.data["resolvePaymentException"]["errors"] == []
    return ref, first


async def test_a_late_failure_of_an_earlier_attempt_does_not_fail_the_retry(
        http, gql, factory, mall, stripe_api):
    """Stripe tells a refund's failure by several events (refund.failed, then
    charge.refund.updated, each its own id). The second, delivered after an operator's RETRY
    started a new refund, failed the new attempt and opened a second exception."""
    ref, first = await _retried_after_a_failure(http, gql, factory, mall, stripe_api)
    payment = await Payment.get(provider_ref=ref)
    assert payment.status == "REFUND_PENDING" and payment.refund_ref != first["id"]

    late = _refund_event("charge.refund.updated", first)
    assert stripe_api.accepted(await send(http, stripe_api.webhook_path, late))
    assert (await Payment.get(provider_ref=ref)).status == "REFUND_PENDING"
    assert await PaymentException.filter(status="OPEN").count() == 0
    # The new attempt's own end still applies.
    assert stripe_api.accepted(await send(http, stripe_api.webhook_path,
                                          stripe_api.refund_notification(ref)))
    assert (await Payment.get(provider_ref=ref)).status == "REFUNDED"


async def test_an_end_told_before_we_recorded_the_attempt_waits_for_the_record(
        http, gql, factory, mall, stripe_api):
    """The retry's refund is made at the rail but its id not yet written (our write has not
    committed, or the rail was unreachable and retry_pending_refunds sends it later) when a
    refund failure arrives: the earlier attempt's late one failed the retry. Whose attempt
    it ends cannot be told yet, so it is refused unrecorded (the rail delivers it again)."""
    ref, first = await _retried_after_a_failure(http, gql, factory, mall, stripe_api)
    payment = await Payment.get(provider_ref=ref)
    second = payment.refund_ref
    await Payment.filter(id=payment.id).update(refund_ref=None)  # not written yet

    stale = await send(http, stripe_api.webhook_path,
                       _refund_event("charge.refund.updated", first))
    assert not stripe_api.accepted(stale) and stale.status_code >= 400
    assert (await Payment.get(id=payment.id)).status == "REFUND_PENDING"
    # The retry's own failure, told early, is not lost either: refused now, applied once
    # the attempt is recorded.
    failed = stripe_api.refund_failed_notification(ref)
    early = await send(http, stripe_api.webhook_path, failed)
    assert not stripe_api.accepted(early)
    await Payment.filter(id=payment.id).update(refund_ref=second)  # written
    assert stripe_api.accepted(await send(http, stripe_api.webhook_path,
                                          _refund_event("charge.refund.updated", first)))
    assert (await Payment.get(id=payment.id)).status == "REFUND_PENDING"
    assert stripe_api.accepted(await send(http, stripe_api.webhook_path, failed))
    assert (await Payment.get(id=payment.id)).status == "REFUND_FAILED"
    assert await PaymentException.filter(kind="REFUND_FAILED", status="OPEN").count() == 1


async def test_our_refund_racing_a_partial_refund_at_the_rail_audits_what_it_read_under_lock(
        http, gql, factory, mall, stripe_api):
    """refundOrder read the payment's refunded total before its transaction, without the
    order's lock: a partial refund in the rail's portal told in between was recorded first
    (its event before the refund's), yet the refund's audit row said nothing had been given
    back before, and counted the whole price as refunded."""
    if not is_postgres():
        pytest.skip("SQLite runs one writer at a time: no interleaving to test")
    from unionhub.mall.models import OrderEvent

    member = await factory.account()

    async def after(delay: float, call):
        await asyncio.sleep(delay)
        return await call

    for step in range(20):  # the refund asked for a little later each time
        order_id, ref = await _paid_order(http, gql, member, mall, stripe_api)
        ours, theirs = await asyncio.gather(
            after(step * 0.003, gql(REFUND, {"input": {"orderId": order_id}},
                                    token=member.token)),
            send(http, stripe_api.webhook_path, stripe_api.dashboard_refund(ref, 2000)))
        assert ours.errors == [] and ours.data["refundOrder"]["errors"] == [], ours.errors
        assert stripe_api.accepted(theirs), theirs.text
        events = {e.kind: e.id for e in await OrderEvent.filter(order_id=int(order_id))}
        partial_first = events["PARTIAL_REFUND_AT_PROVIDER"] < events["REFUND_REQUESTED"]
        asked = await AuditLog.get(action="mall.order.refund", subject_id=order_id)
        assert (asked.detail["refunded_before_fen"], asked.detail["amount_fen"]) == (
            (2000, 3000) if partial_first else (0, 5000)), (partial_first, asked.detail)


async def test_the_refund_of_a_second_payment_leaves_the_order_paid_by_the_first(
        http, gql, factory, mall, stripe_api):
    """The member paid one order twice (by card, then by Alipay in another tab): the second
    payment was refunded as money that paid nothing. Its refund landing made the order
    REFUNDED, as a dashboard refund of the order's own payment would: the first payment's
    money stayed kept, the order read refunded and its goods went back to stock."""
    from tests.mall.conftest import PAY, place

    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    refs = []
    for method in ("CARD", "ALIPAY"):
        r = await gql(PAY, {"input": {"orderId": order["id"], "method": method}},
                      token=member.token)
        assert r.errors == [], r.errors
        refs.append(stripe_api.ref_from_checkout(r.data["payOrder"]["checkout"]))
    first, second = refs
    for ref in refs:
        stripe_api.pay(ref)
        assert stripe_api.accepted(await send(http, stripe_api.webhook_path,
                                              stripe_api.success_notification(ref)))
    assert (await Payment.get(provider_ref=second)).status == "REFUND_PENDING"
    assert stripe_api.accepted(await send(http, stripe_api.webhook_path,
                                          stripe_api.refund_notification(second)))
    assert (await Payment.get(provider_ref=second)).status == "REFUNDED"
    assert (await Payment.get(provider_ref=first)).status == "SUCCEEDED"
    assert (await Order.get(id=int(order["id"]))).status == "PAID"


async def test_the_failure_of_a_refund_made_in_the_dashboard_is_taken(
        http, gql, factory, mall, stripe_api):
    """A refund made in Stripe's dashboard that fails (refund.failed naming its refund id) while
    no refund of ours was ever asked for: the fact waited for our attempt's id to be recorded,
    which never comes, so the notice was refused at every delivery for three days (Stripe
    then flags the endpoint). It ends no refund of ours: taken, nothing moved."""
    member = await factory.account()
    order_id, ref = await _paid_order(http, gql, member, mall, stripe_api)
    stripe_api.dashboard_refund(ref, 2000)  # its charge.refunded never comes: it fails
    failed = stripe_api.refund_failed_notification(ref)
    assert stripe_api.accepted(await send(http, stripe_api.webhook_path, failed))
    payment = await Payment.get(provider_ref=ref)
    assert (payment.status, payment.refunded_fen) == ("SUCCEEDED", 0)
    assert await PaymentException.all().count() == 0
    refunded = await gql(REFUND, {"input": {"orderId": order_id}}, token=member.token)
    assert refunded.data["refundOrder"]["errors"] == []
    assert (await Payment.get(provider_ref=ref)).status == "REFUND_PENDING"
