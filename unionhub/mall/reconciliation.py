"""Following every online payment to a final state: asking the rails about payments and
refunds whose notification never came, and closing the trades of orders that will never be
paid (cancelled by the member, timed out, or paid by another method).

Reconciliation asks about an open payment or a pending refund with backoff (5 minutes, then
doubling to at most 6 hours between questions) until the rail gives a final answer, however
old it is: an open payment within the rail's refund window (Alipay 90 days, WeChat Pay 180),
a pending refund until it ends. One left open for days opens an OPEN_TOO_LONG exception for
a person. Answers pass the same once-only gate
as notifications (mall.payments.apply_fact).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TypeVar

from tortoise.expressions import Q

from unionhub.clock import utcnow
from unionhub.identity.access import Principal
from unionhub.mall import orders
from unionhub.mall.models import (
    Order,
    OrderEvent,
    OrderStatus,
    Payment,
    PaymentExceptionKind,
    PaymentStatus,
)
from unionhub.mall.payment_exceptions import open_exception
from unionhub.mall.payments import REFUND_WINDOW, apply_fact, request_refund
from unionhub.mall.providers import configured_names, provider_named
from unionhub.mall.providers.base import FactKind, ProviderUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

FIRST_RECHECK = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)
# Still without a final answer after this long: a person looks (the rails settle in minutes;
# WeChat Pay refunds to a bank card take up to a few working days).
OPEN_TOO_LONG = {PaymentStatus.REQUIRES_PAYMENT: timedelta(days=1),
                 PaymentStatus.REFUND_PENDING: timedelta(days=5)}
RECONCILE_CONCURRENCY = 8


def next_check(checks_so_far: int, now: datetime) -> datetime:
    """5, 10, 20, 40 minutes ... then every 6 hours."""
    return now + min(FIRST_RECHECK * int(2 ** min(checks_so_far, 16)), MAX_BACKOFF)


async def reconcile_payment(payment: Payment) -> str | None:
    """Ask the provider where one open payment (or its pending refund) stands, and apply
    the answer through the same gate as a notification."""
    provider = provider_named(payment.provider)
    now = utcnow()
    await Payment.filter(id=payment.id).update(checked_at=now, check_count=payment.check_count + 1,
                                               next_check_at=next_check(payment.check_count, now))
    if provider is None:  # its rail is no longer configured: no one can ask it but a person
        log.warning("payment %s is open at %s, which is not configured", payment.id,
                    payment.provider)
        await _flag_if_open_too_long(payment, now)
        return None
    try:
        if payment.status == PaymentStatus.REFUND_PENDING:
            fact = await provider.query_refund(payment)
        else:
            fact = await provider.query(payment)
    except ProviderUnavailable:
        log.warning("%s could not tell the status of payment %s", payment.provider, payment.id)
        return None
    if fact is None or fact.kind == FactKind.FAILED:  # still open (a declined attempt too)
        await _flag_if_open_too_long(payment, now)
    return None if fact is None else await apply_fact(payment.provider, fact)


async def _flag_if_open_too_long(payment: Payment, now: datetime) -> None:
    since = payment.refund_requested_at or payment.created_at
    limit = OPEN_TOO_LONG.get(payment.status)
    if limit is not None and since is not None and now - since > limit:
        what = "refund" if payment.status == PaymentStatus.REFUND_PENDING else "payment"
        await open_exception(PaymentExceptionKind.OPEN_TOO_LONG, payment=payment,
                             provider=payment.provider,
                             reason=f"the rail has not settled this {what} in "
                                    f"{(now - since).days} days")


def _within_refund_windows(now: datetime) -> Q:
    """Open payments young enough that money arriving for them could still be refunded.
    Pending refunds are followed whatever their payment's age: the window limits asking for
    a refund, not following one asked for in time (one asked for on day 179 of 180)."""
    windows = Q(method__not_in=list(REFUND_WINDOW))
    for method, window in REFUND_WINDOW.items():
        windows |= Q(method=method, created_at__gte=now - window)
    return windows


async def reconcile_payments(limit: int = 200) -> int:
    """Periodic: payments still open and refunds still pending whose next check is due,
    soonest first, so a lost notification costs minutes, not money. Covers cancelled orders
    too: money that came late is then refunded."""
    now = utcnow()
    # A pending refund without refund_ref never reached its provider: retry_pending_refunds.
    # Payments of a provider no longer configured too: not asked, flagged for a person when
    # open too long (they were left pending forever, unseen).
    due = await Payment.filter(
        Q(Q(status=PaymentStatus.REQUIRES_PAYMENT), _within_refund_windows(now))
        | Q(status=PaymentStatus.REFUND_PENDING, refund_ref__isnull=False),
        next_check_at__lte=now,
    ).order_by("next_check_at").limit(limit)
    outcomes = await _reconcile_all(due)
    return sum(outcome == "applied" for outcome in outcomes)


async def _a_few_at_a_time(payments: list[Payment],
                           call: Callable[[Payment], Awaitable[T]]) -> list[T]:
    """A few rail calls at a time: a slow rail must not hold a job past its slot."""
    gate = asyncio.Semaphore(RECONCILE_CONCURRENCY)

    async def one(payment: Payment) -> T:
        async with gate:
            return await call(payment)

    return await asyncio.gather(*(one(p) for p in payments))


async def _reconcile_all(stuck: list[Payment]) -> list[str | None]:
    return await _a_few_at_a_time(stuck, reconcile_payment)


async def retry_pending_refunds(limit: int = 100) -> int:
    """Periodic: refunds that were due but never reached their rail (unreachable, or its
    keys gone) are sent again; one stuck so for days opens OPEN_TOO_LONG for a person."""
    now = utcnow()
    due = await Payment.filter(status=PaymentStatus.REFUND_PENDING, refund_ref__isnull=True,
                               ).order_by("id").limit(limit)
    sent = 0
    for payment in due:
        if await request_refund(payment.id):
            sent += 1
        elif await Payment.filter(id=payment.id, status=PaymentStatus.REFUND_PENDING,
                                  refund_ref__isnull=True).exists():
            await _flag_if_open_too_long(payment, now)
    return sent


# --- closing the trades of orders that will not be paid ------------------------------------

async def close_trade(payment: Payment) -> bool:
    """Close one open trade at its rail. A trade the rail says is paid is reconciled at once
    (the money then meets an order no longer awaiting it and is refunded); an unreachable rail
    is asked again by the next sweep."""
    provider = provider_named(payment.provider)
    if provider is None:
        return False
    # Asked now: the sweep takes the longest-unasked first, so a trade the rail will not
    # close yet waits its turn behind the others instead of holding the front of the queue.
    await Payment.filter(id=payment.id).update(checked_at=utcnow())
    try:
        closed = await provider.close(payment)
    except ProviderUnavailable:
        log.warning("%s could not close the trade of payment %s yet", payment.provider,
                    payment.id)
        return False
    if not closed:
        await reconcile_payment(payment)
        return False
    # Closed unpaid: FAILED, which money arriving after all still moves (and refunds).
    if await Payment.filter(id=payment.id, status=PaymentStatus.REQUIRES_PAYMENT).update(
            status=PaymentStatus.FAILED):
        await OrderEvent.create(order_id=payment.order_id, kind="TRADE_CLOSED",
                                detail={"payment_id": payment.id, "provider": payment.provider})
    return True


async def close_unpayable_trades(order_id: int | None = None, limit: int = 200) -> int:
    """The open trades of orders no longer awaiting payment (one order's, or a sweep's),
    closed at the rail: cancelled orders, and orders paid by another method (a member who
    started an Alipay trade and then paid by WeChat Pay leaves the Alipay one open; money paid
    there later would have to be refunded)."""
    qs = Payment.filter(status=PaymentStatus.REQUIRES_PAYMENT, provider__in=configured_names(),
                        order__status__not=OrderStatus.PENDING_PAYMENT)
    if order_id is not None:
        qs = qs.filter(order_id=order_id)
    found = await qs.order_by("checked_at", "id").limit(limit)
    return sum(await _a_few_at_a_time(found, close_trade))


async def cancel_order(principal: Principal, order_id: int) -> Order:
    """The member cancels an unpaid order: cancelled here, then its trade closed at the rail
    so that it can no longer be paid."""
    order = await orders.cancel_order(principal, order_id)
    await close_unpayable_trades(order.id)
    return order


async def cancel_expired_orders(limit: int = 500) -> int:
    """Periodic: cancel orders unpaid after the payment window (orders.cancel_expired_orders),
    asking the provider first about any payment of theirs still open, so that money whose
    notification is late pays its order instead of being refunded; then close the trades of
    orders no longer awaiting payment (these, orders paid by another method since the last
    sweep, and any an unreachable rail left open before)."""
    open_payments = await Payment.filter(
        status=PaymentStatus.REQUIRES_PAYMENT, provider__in=configured_names(),
        order__status=OrderStatus.PENDING_PAYMENT, order__expires_at__lte=utcnow(),
    ).limit(limit)
    await _reconcile_all(open_payments)
    cancelled = await orders.cancel_expired_orders(limit)
    await close_unpayable_trades()
    return cancelled


__all__ = ["cancel_expired_orders", "cancel_order", "close_trade", "reconcile_payment",
           "reconcile_payments", "retry_pending_refunds"]
