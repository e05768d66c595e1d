"""Payments, written once above the provider interface (unionhub.mall.providers): online
methods through the provider configured for each (Stripe, WeChat Pay, Alipay), and union
funds (工会经费集采) confirmed by a cadre in scope.

Every verified provider fact (a notification, or the answer to a status query) is applied
once: inserting its id into `mall_provider_events` is the gate, in the same transaction as
its effects. Effects are conditional updates on the payment's and the order's status, so a
fact arriving twice (under two ids), or out of order, cannot move anything backwards. Money
that arrives for an order no longer awaiting it (cancelled after 30 minutes, or paid another
way), or in the wrong amount, is refunded, never lost. A reconciliation job asks the
providers about payments whose notification never came.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.errors import AccessDenied, Conflict, InvalidTransition, NotFound, ValidationFailed
from unionhub.identity import audit
from unionhub.identity.access import Principal, path_in_scope, require_authenticated
from unionhub.mall import orders
from unionhub.mall.access import is_mall_manager
from unionhub.mall.models import (
    Order,
    OrderEvent,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    ProviderEvent,
)
from unionhub.mall.providers import configured_names, provider_for, provider_named
from unionhub.mall.providers.base import (
    Checkout,
    FactKind,
    PayChannel,
    PaymentFact,
    PaymentProviderError,
    PaymentRequest,
    ProviderUnavailable,
)
from unionhub.observability import metrics
from unionhub.settings import get_settings

log = logging.getLogger(__name__)

# Refund windows after payment: Alipay 90 days, WeChat Pay 180 days (card: Stripe's 180).
REFUND_WINDOW = {
    PaymentMethod.ALIPAY: timedelta(days=90),
    PaymentMethod.WECHAT_PAY: timedelta(days=180),
    PaymentMethod.CARD: timedelta(days=180),
}
# One letter per method in our trade numbers: an order has one payment per method.
_METHOD_CODE = {PaymentMethod.ALIPAY: "A", PaymentMethod.WECHAT_PAY: "W", PaymentMethod.CARD: "C"}
# Reconciliation asks about open payments older than this (their notification is late) ...
RECONCILE_AFTER = timedelta(minutes=2)
# ... and gives up on those older than this (every rail has closed the trade by then).
RECONCILE_WITHIN = timedelta(days=2)
RECHECK_EVERY = timedelta(minutes=5)
RECONCILE_CONCURRENCY = 8

__all__ = ["PaymentProviderError", "PaymentResult", "apply_fact", "pay_order",
           "reconcile_payments", "refund_order", "retry_pending_refunds"]


@dataclass
class PaymentResult:
    payment: Payment
    order: Order
    checkout: Checkout | None  # None when no provider was asked (union funds, fully discounted)


def trade_number(order: Order, method: PaymentMethod) -> str:
    """Our reference of an order's payment by one method: WeChat Pay's and Alipay's
    out_trade_no (at most 32 of [A-Za-z0-9]), Stripe's idempotency key. Stable, so a retried
    payOrder asks the provider for the same trade, never a second one."""
    return f"{get_settings().payment_reference_prefix}{order.id}{_METHOD_CODE[method]}"


async def pay_order(principal: Principal, order_id: int, method: PaymentMethod,
                    channel: PayChannel = PayChannel.DEFAULT,
                    payer_openid: str | None = None) -> PaymentResult:
    member_id = require_authenticated(principal)
    order = await orders.get_order(order_id)
    if method == PaymentMethod.UNION_FUNDS:
        return await _pay_with_union_funds(principal, member_id, order)
    if order.member_id != member_id:
        raise NotFound("order not found", field="orderId")
    _check_payable(order)
    if order.payable_fen == 0:
        return await _settle_without_money(order, member_id, method)
    provider = provider_for(method)
    _check_openid(payer_openid)
    if channel not in provider.channels:
        raise ValidationFailed(f"{method.value} payments here cannot use channel {channel.value}",
                               field="channel", code="CHANNEL_NOT_SUPPORTED")
    request = PaymentRequest(
        order_id=order.id, method=method, channel=channel,
        out_trade_no=trade_number(order, method), amount_fen=order.payable_fen,
        description=f"网上职工之家消费帮扶商城订单 {order.id}", expires_at=order.expires_at,
        payer_openid=payer_openid)
    try:
        checkout = await provider.create_payment(request)
    except ProviderUnavailable:
        raise PaymentProviderError("the payment provider refused the payment; try again later",
                                   field="method") from None
    payment = await _payment_row(order, method, provider.name, checkout.provider_ref)
    return PaymentResult(payment=payment, order=order, checkout=checkout)


def _check_openid(value: str | None) -> None:
    # WeChat openids are 28 characters of [A-Za-z0-9_-]; anything else is refused up front.
    if value is not None and not (1 <= len(value) <= 64 and all(
            c.isascii() and (c.isalnum() or c in "_-") for c in value)):
        raise ValidationFailed("payer openid must be 1-64 letters, digits, _ or -",
                               field="payerOpenId", code="PAYER_OPENID_FORMAT")


def _check_payable(order: Order) -> None:
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise InvalidTransition(f"cannot pay an order that is {order.status.value}",
                                field="orderId")
    if order.expires_at <= utcnow():
        raise InvalidTransition("the payment window of this order has closed", field="orderId",
                                code="ORDER_EXPIRED")


async def _payment_row(order: Order, method: PaymentMethod, provider: str, ref: str) -> Payment:
    try:
        payment, _ = await Payment.get_or_create(
            order_id=order.id, method=method,
            defaults={"provider": provider, "provider_ref": ref, "amount_fen": order.payable_fen,
                      "checked_at": utcnow()},
        )
    except IntegrityError:  # a concurrent payOrder for the same order and method
        payment = await Payment.get(order_id=order.id, method=method)
    await OrderEvent.create(order_id=order.id, kind="PAYMENT_STARTED", actor_id=order.member_id,
                            detail={"method": method.value, "payment_id": payment.id,
                                    "provider": provider})
    return payment


async def _pay_with_union_funds(principal: Principal, actor_id: int,
                                order: Order) -> PaymentResult:
    # Settled offline from union funds; the cadre's confirmation is the payment.
    if not path_in_scope(principal, order.union_path):
        raise AccessDenied("union funds are confirmed by a cadre whose scope holds the union")
    _check_payable(order)
    async with in_transaction():
        if not await orders.mark_paid(order, actor_id, PaymentMethod.UNION_FUNDS.value):
            raise InvalidTransition("this order is no longer awaiting payment", field="orderId")
        payment = await Payment.create(
            order_id=order.id, method=PaymentMethod.UNION_FUNDS, provider="union_funds",
            amount_fen=order.payable_fen, status=PaymentStatus.SUCCEEDED,
            confirmed_by_id=actor_id, succeeded_at=utcnow())
    return PaymentResult(payment=payment, order=await orders.get_order(order.id), checkout=None)


async def _settle_without_money(order: Order, actor_id: int, method: PaymentMethod,
                                ) -> PaymentResult:
    """A voucher covered the whole order: nothing to collect, so no provider is asked."""
    async with in_transaction():
        if not await orders.mark_paid(order, actor_id, method.value):
            raise InvalidTransition("this order is no longer awaiting payment", field="orderId")
        payment = await Payment.create(order_id=order.id, method=method, provider="none",
                                       amount_fen=0, status=PaymentStatus.SUCCEEDED,
                                       succeeded_at=utcnow())
    return PaymentResult(payment=payment, order=await orders.get_order(order.id), checkout=None)


# --- facts from the providers -------------------------------------------------------------

async def apply_fact(provider: str, fact: PaymentFact) -> str:
    """Apply one verified fact exactly once. Returns "applied", "duplicate", "ignored", or
    "unknown" (a payment we have no row for yet: not recorded, so a redelivery can apply it)."""
    to_refund: list[int] = []
    try:
        async with in_transaction():
            payment = None
            if fact.kind is not None:
                payment = await Payment.get_or_none(provider=provider,
                                                    provider_ref=fact.provider_ref or "")
                if payment is None:
                    log.warning("%s fact %s for an unknown payment", provider, fact.event_type)
                    return "unknown"
            await ProviderEvent.create(provider=provider, event_id=fact.event_id[:64],
                                       type=fact.event_type[:64])
            if payment is None:
                return "ignored"
            await _HANDLERS[fact.kind](payment, fact, to_refund)
    except IntegrityError:
        return "duplicate"
    for payment_id in to_refund:
        await request_refund(payment_id)
    return "applied"


async def _on_succeeded(payment: Payment, fact: PaymentFact, to_refund: list[int]) -> None:
    moved = await Payment.filter(
        id=payment.id, status__in=[PaymentStatus.REQUIRES_PAYMENT, PaymentStatus.FAILED],
    ).update(status=PaymentStatus.SUCCEEDED, succeeded_at=utcnow())
    if not moved:
        return  # applied already under another id, or refunded before its success arrived
    order = await Order.get(id=payment.order_id)
    amount_ok = fact.amount_fen == payment.amount_fen and (fact.currency or "cny") == "cny"
    if amount_ok and await orders.mark_paid(order, None, payment.method.value):
        return
    # The order no longer awaits this money (cancelled, paid otherwise) or the amount is wrong:
    # give it back.
    await Payment.filter(id=payment.id).update(status=PaymentStatus.REFUND_PENDING)
    await OrderEvent.create(order_id=order.id, kind="PAYMENT_REFUND_DUE", detail={
        "payment_id": payment.id, "reason": "amount" if not amount_ok else order.status.value})
    to_refund.append(payment.id)


async def _on_failed(payment: Payment, fact: PaymentFact, to_refund: list[int]) -> None:
    if await Payment.filter(id=payment.id, status=PaymentStatus.REQUIRES_PAYMENT).update(
            status=PaymentStatus.FAILED):
        await OrderEvent.create(order_id=payment.order_id, kind="PAYMENT_FAILED",
                                detail={"payment_id": payment.id, "code": fact.failure_code})


async def _on_refunded(payment: Payment, fact: PaymentFact, to_refund: list[int]) -> None:
    if not fact.full_refund:
        # A partial refund made at the provider: recorded there; the order stays as it is.
        await OrderEvent.create(order_id=payment.order_id, kind="PARTIAL_REFUND_AT_PROVIDER",
                                detail={"payment_id": payment.id})
        return
    # Out of order, the refund may arrive before the success it undoes: the payment is then
    # REFUNDED already and the late success no longer moves it (nor pays the order).
    if not await Payment.filter(id=payment.id).exclude(status=PaymentStatus.REFUNDED).update(
            status=PaymentStatus.REFUNDED):
        return
    order = await Order.get(id=payment.order_id)
    # A refund made in the provider's dashboard also refunds the order; a refunded late
    # payment leaves its cancelled order as it is.
    if not await orders.mark_refunded(order, None, "REFUNDED_BY_PROVIDER"):
        await OrderEvent.create(order_id=order.id, kind="PAYMENT_REFUNDED",
                                detail={"payment_id": payment.id})


_HANDLERS: dict[FactKind, Callable[[Payment, PaymentFact, list[int]], Awaitable[None]]] = {
    FactKind.SUCCEEDED: _on_succeeded,
    FactKind.FAILED: _on_failed,
    FactKind.REFUNDED: _on_refunded,
}


# --- refunds ------------------------------------------------------------------------------

async def request_refund(payment_id: int, reason: str | None = None) -> bool:
    """Ask the payment's provider for a full refund (idempotent per payment). A refund the
    provider completes at once is applied now; the others by notification or reconciliation.
    False when the provider could not be reached: `retry_pending_refunds` asks again."""
    payment = await Payment.get(id=payment_id)
    provider = provider_named(payment.provider)
    if provider is None:
        log.error("payment %s is due a refund from %s, which is not configured",
                  payment.id, payment.provider)
        metrics.REFUNDS_FAILED.add(1, {"provider": payment.provider, "reason": "not_configured"})
        return False
    try:
        result = await provider.refund(payment, reason)
    except ProviderUnavailable:
        log.warning("refund of payment %s not accepted by %s yet", payment.id, payment.provider)
        metrics.REFUNDS_FAILED.add(1, {"provider": payment.provider, "reason": "unavailable"})
        return False
    await Payment.filter(id=payment.id, refund_ref__isnull=True).update(
        refund_ref=result.refund_ref)
    if result.completed:
        await apply_fact(payment.provider, PaymentFact(
            event_id=f"refund:{result.refund_ref}", event_type="refund.completed",
            kind=FactKind.REFUNDED, provider_ref=payment.provider_ref))
    return True


async def retry_pending_refunds(limit: int = 100) -> int:
    """Periodic: refunds that were due but never reached their provider."""
    due = await Payment.filter(provider__in=configured_names(),
                               status=PaymentStatus.REFUND_PENDING, refund_ref__isnull=True,
                               ).limit(limit).values_list("id", flat=True)
    return sum([await request_refund(i) for i in due])


async def refund_order(principal: Principal, order_id: int, reason: str | None) -> Order:
    """Refund a paid order: through its provider for online payments (completed when the
    provider says so), offline for union funds."""
    order = await orders.get_order(order_id)
    orders.check_refund_allowed(principal, order)
    payment = await Payment.filter(order_id=order.id, status=PaymentStatus.SUCCEEDED).first()
    if payment is None:
        raise Conflict("this order has no successful payment to refund", field="orderId",
                       code="NO_PAYMENT")
    window = REFUND_WINDOW.get(payment.method)
    if window is not None and payment.succeeded_at and utcnow() - payment.succeeded_at > window:
        raise Conflict("the refund window of this payment method has passed", field="orderId",
                       code="REFUND_WINDOW_PASSED")
    online = payment.provider not in ("union_funds", "none")
    async with in_transaction():
        if not await orders.mark_refunded(order, principal.member_id,
                                          after_shipping=is_mall_manager(principal)):
            await orders.fail_transition(order, "refund")
        new_status = PaymentStatus.REFUND_PENDING if online else PaymentStatus.REFUNDED
        await Payment.filter(id=payment.id, status=PaymentStatus.SUCCEEDED).update(
            status=new_status)
        await OrderEvent.create(order_id=order.id, kind="REFUND_REQUESTED",
                                actor_id=principal.member_id,
                                detail={"reason": (reason or "")[:200]})
        await audit.record("mall.order.refund", actor_id=principal.member_id,
                           subject_type="order", subject_id=order.id,
                           detail={"payment": payment.id, "method": payment.method.value,
                                   "amount_fen": payment.amount_fen})
    if online:
        await request_refund(payment.id, (reason or "")[:80] or None)
    return await orders.get_order(order.id)


# --- reconciliation -----------------------------------------------------------------------

async def reconcile_payment(payment: Payment) -> str | None:
    """Ask the provider where one open payment (or its pending refund) stands, and apply
    the answer through the same gate as a notification."""
    provider = provider_named(payment.provider)
    if provider is None:
        return None
    await Payment.filter(id=payment.id).update(checked_at=utcnow())
    try:
        if payment.status == PaymentStatus.REFUND_PENDING:
            fact = await provider.query_refund(payment)
        else:
            fact = await provider.query(payment)
    except ProviderUnavailable:
        log.warning("%s could not tell the status of payment %s", payment.provider, payment.id)
        return None
    if fact is None:
        return None
    return await apply_fact(payment.provider, fact)


async def reconcile_payments(limit: int = 200) -> int:
    """Periodic: payments still open (or refunds still pending) some minutes after they
    started, asked about oldest-checked first, so a lost notification costs minutes, not
    money. Covers cancelled orders too: money that came late is then refunded."""
    now = utcnow()
    # A pending refund without refund_ref never reached its provider: retry_pending_refunds.
    stuck = await Payment.filter(
        Q(status=PaymentStatus.REQUIRES_PAYMENT)
        | Q(status=PaymentStatus.REFUND_PENDING, refund_ref__isnull=False),
        provider__in=configured_names(),
        created_at__lte=now - RECONCILE_AFTER, created_at__gte=now - RECONCILE_WITHIN,
        checked_at__lte=now - RECHECK_EVERY,
    ).order_by("checked_at").limit(limit)
    outcomes = await _reconcile_all(stuck)
    return sum(outcome == "applied" for outcome in outcomes)


async def _reconcile_all(stuck: list[Payment]) -> list[str | None]:
    """A few provider queries at a time: a slow rail must not hold a job past its slot."""
    gate = asyncio.Semaphore(RECONCILE_CONCURRENCY)

    async def one(payment: Payment) -> str | None:
        async with gate:
            return await reconcile_payment(payment)

    return await asyncio.gather(*(one(p) for p in stuck))


async def cancel_expired_orders(limit: int = 500) -> int:
    """Periodic: cancel orders unpaid after the payment window (orders.cancel_expired_orders),
    asking the provider first about any payment of theirs still open, so that money whose
    notification is late pays its order instead of being refunded."""
    open_payments = await Payment.filter(
        status=PaymentStatus.REQUIRES_PAYMENT, provider__in=configured_names(),
        order__status=OrderStatus.PENDING_PAYMENT, order__expires_at__lte=utcnow(),
    ).limit(limit)
    await _reconcile_all(open_payments)
    return await orders.cancel_expired_orders(limit)
