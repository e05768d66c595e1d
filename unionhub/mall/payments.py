"""Payments, written once above the provider interface (unionhub.mall.providers): online
methods through the provider configured for each (Stripe, WeChat Pay, Alipay), and union
funds (工会经费集采), paid by a second cadre's approval (mall.union_funds), never here.

Every verified provider fact (a notification, or the answer to a status query) is applied
once: inserting its id into `mall_provider_events` is the gate, in the same transaction as
its effects. Effects are conditional updates on the payment's and the order's status, so a
fact arriving twice (under two ids), or out of order, cannot move anything backwards; each
movement writes its audit row with it, by the system (mall.money_audit). Money
that arrives for an order no longer awaiting it (cancelled after 30 minutes, or paid another
way), or in the wrong amount, is refunded, never lost; a refund the rail ends failed opens
an exception for a person (mall.payment_exceptions). Reconciliation (mall.reconciliation)
asks the providers about payments and refunds whose notification never came.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.errors import InvalidTransition, NotFound, ValidationFailed
from unionhub.identity.access import Principal, require_authenticated
from unionhub.mall import money_audit, money_counts, orders, refunded, union_funds
from unionhub.mall.models import (
    Order,
    OrderEvent,
    OrderStatus,
    Payment,
    PaymentExceptionKind,
    PaymentMethod,
    PaymentStatus,
    ProviderEvent,
)
from unionhub.mall.money_counts import AfterCommit
from unionhub.mall.payment_exceptions import money_for_unknown_order, open_exception
from unionhub.mall.providers import provider_for, provider_named
from unionhub.mall.providers.base import (
    CURRENCY_NOT_REFUNDABLE,
    Checkout,
    FactKind,
    PayChannel,
    PaymentAmountMismatch,
    PaymentConfigurationError,
    PaymentFact,
    PaymentProvider,
    PaymentProviderError,
    PaymentRefused,
    PaymentRequest,
    ProviderUnavailable,
    RefundRefused,
    ends_current_refund,
    refund_number,
    refunds_in,
)
from unionhub.observability import metrics
from unionhub.settings import get_settings

log = logging.getLogger(__name__)

# Refund windows after payment: Alipay 90 days, WeChat Pay 180 days (card: Stripe's 180).
MAX_REFUND_REASON = 80  # what WeChat Pay and Alipay take as a refund's reason

REFUND_WINDOW = {
    PaymentMethod.ALIPAY: timedelta(days=90),
    PaymentMethod.WECHAT_PAY: timedelta(days=180),
    PaymentMethod.CARD: timedelta(days=180),
}
# One letter per method in our trade numbers: an order has one payment per method.
_METHOD_CODE = {PaymentMethod.ALIPAY: "A", PaymentMethod.WECHAT_PAY: "W", PaymentMethod.CARD: "C"}
# Reconciliation first asks about an open payment this long after it started (its
# notification is late by then).
RECONCILE_AFTER = timedelta(minutes=2)

__all__ = ["PaymentProviderError", "PaymentResult", "apply_fact", "pay_order",
           "request_refund"]


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
    union_funds.check_payment_method(principal, order, method)  # approval pays union funds
    if order.member_id != member_id:
        raise NotFound("order not found", field="orderId")
    _check_payable(order)
    await orders.check_voucher_kept(order, method)
    if order.payable_fen == 0:
        return await _settle_without_money(order, member_id, method)
    provider = _provider(method)
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
    except PaymentAmountMismatch:
        raise PaymentProviderError("the payment provider holds this trade for another amount",
                                   field="method", code="PAYMENT_AMOUNT_MISMATCH") from None
    except PaymentRefused:
        raise PaymentProviderError("the payment provider refused the payment", field="method",
                                   code="PAYMENT_REFUSED") from None
    except ProviderUnavailable:
        raise PaymentProviderError("the payment provider could not be reached; try again later",
                                   field="method") from None
    payment = await _payment_row(order, method, provider.name, checkout.provider_ref)
    if payment is None:  # its holder left meanwhile: the order is cancelled, its trade closed
        from unionhub.mall import reconciliation  # builds on this module

        await reconciliation.close_unpayable_trades(order.id)
        raise orders.voucher_withdrawn()
    return PaymentResult(payment=payment, order=order, checkout=checkout)


def _provider(method: PaymentMethod) -> PaymentProvider:
    try:
        return provider_for(method)
    except PaymentConfigurationError:  # start-up checks keys; a later change may break them
        log.error("the provider for %s is not configured", method.value)
        raise PaymentProviderError("no payment provider is configured for this method",
                                   field="method") from None


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


async def _payment_row(order: Order, method: PaymentMethod, provider: str,
                       ref: str) -> Payment | None:
    """The payment's start, recorded in one transaction with the voucher's re-check: None
    when its holder left before, the order then cancelled (the row stays, so the trade the
    rail opened is closed as any cancelled order's is)."""
    async with in_transaction():
        kept = await orders.voucher_kept_at_start(order, method)  # a concurrent payOrder waits
        payment = await Payment.get_or_none(order_id=order.id, method=method)
        if payment is None:
            payment = await Payment.create(
                order_id=order.id, method=method, provider=provider, provider_ref=ref,
                amount_fen=order.payable_fen, checked_at=utcnow(),
                next_check_at=utcnow() + RECONCILE_AFTER)
        await OrderEvent.create(order_id=order.id, kind="PAYMENT_STARTED",
                                actor_id=order.member_id,
                                detail={"method": method.value, "payment_id": payment.id,
                                        "provider": provider})
        if not kept:
            await orders.cancel(order, order.member_id, "VOUCHER_WITHDRAWN")
    return payment if kept else None


async def _settle_without_money(order: Order, actor_id: int, method: PaymentMethod,
                                ) -> PaymentResult:
    """A voucher covered the whole order: nothing to collect, so no provider is asked."""
    async with in_transaction():
        kept = await orders.voucher_kept_at_start(order, None)
        if not kept:
            await orders.cancel(order, actor_id, "VOUCHER_WITHDRAWN")
        elif not await orders.mark_paid(order, actor_id, method.value):
            raise InvalidTransition("this order is no longer awaiting payment", field="orderId")
        else:
            payment = await Payment.create(order_id=order.id, method=method, provider="none",
                                           amount_fen=0, status=PaymentStatus.SUCCEEDED,
                                           succeeded_at=utcnow())
    if not kept:
        raise orders.voucher_withdrawn()
    money_counts.count([money_counts.paid(method.value, 0)])
    return PaymentResult(payment=payment, order=await orders.get_order(order.id), checkout=None)


# --- facts from the providers -------------------------------------------------------------

async def apply_fact(provider: str, fact: PaymentFact) -> str:
    """Apply one verified fact exactly once. Returns "applied", "duplicate" (its id was
    applied before), "ignored", "unknown" (a payment we have no row for yet: not recorded, so
    a redelivery can apply it) or "failed" (the database refused one of its effects: nothing
    recorded, logged, and refused so the rail delivers it again). Each counted by provider and
    outcome: a fact failing at every redelivery pages (alert UnionHubPaymentFactsFailing)."""
    outcome = await _apply_fact(provider, fact)
    metrics.PAYMENT_FACTS.add(1, {"provider": provider, "outcome": outcome})
    return outcome


async def _apply_fact(provider: str, fact: PaymentFact) -> str:
    after = AfterCommit()  # what the effects leave for after the commit
    payment = None
    try:
        async with in_transaction():
            if fact.kind is not None:
                payment = await Payment.get_or_none(provider=provider,
                                                    provider_ref=fact.provider_ref or "")
                if payment is None:
                    log.warning("%s fact %s for an unknown payment", provider, fact.event_type)
                    if fact.kind == FactKind.SUCCEEDED:
                        await money_for_unknown_order(provider, fact)
                    return "unknown"
            if not await _first_time(provider, fact):
                return "duplicate"
            if payment is None or fact.kind is None:  # (a payment is looked up for a kind only)
                return "ignored"
            await orders.lock_before_payment(payment.order_id)
            await _HANDLERS[fact.kind](payment, fact, after)
    except IntegrityError as exc:
        # Not the gate's (that is a duplicate, above): a constraint the effects broke. Were it
        # acknowledged, the notice would be lost in silence.
        log.error("%s fact %s (payment %s) failed an integrity check: %s", provider,
                  fact.event_type, payment.id if payment else None, type(exc).__name__)
        return "failed"
    except _NotYetKnown:  # unrecorded: the rail delivers it again
        return "unknown"
    money_counts.count(after.counted)  # (rolled back, it counts nothing: delivered again)
    for payment_id in after.to_refund:
        await request_refund(payment_id)
    return "applied"


async def _first_time(provider: str, fact: PaymentFact) -> bool:
    """The gate: the fact's id recorded, in a savepoint, so its own unique key (and only it)
    tells a duplicate, and the transaction goes on."""
    try:
        async with in_transaction():
            await ProviderEvent.create(provider=provider, event_id=fact.event_id[:64],
                                       type=fact.event_type[:64])
    except IntegrityError:
        if await ProviderEvent.exists(provider=provider, event_id=fact.event_id[:64]):
            return False
        raise
    return True


async def _on_succeeded(payment: Payment, fact: PaymentFact, after: AfterCommit) -> None:
    moved = await Payment.filter(
        id=payment.id, status__in=[PaymentStatus.REQUIRES_PAYMENT, PaymentStatus.FAILED],
    ).update(status=PaymentStatus.SUCCEEDED, succeeded_at=utcnow())
    if not moved:
        return  # applied already under another id, or refunded before its success arrived
    order = await Order.get(id=payment.order_id)
    currency = (fact.currency or "cny")[:8]
    amount_ok = fact.amount_fen == payment.amount_fen and currency == "cny"
    if amount_ok and await orders.mark_paid(order, None, payment.method.value):
        await money_audit.received(payment, order, fact)
        after.counted.append(money_counts.paid(payment.method.value, order.payable_fen))
        return
    # The order no longer awaits this money (cancelled, paid otherwise) or the amount is wrong:
    # give it back. Another currency's figure is no fen: kept as what arrived.
    foreign = {"paid_currency": currency, "paid_amount": fact.amount_fen} \
        if currency != "cny" else {}
    await Payment.filter(id=payment.id).update(
        status=PaymentStatus.REFUND_PENDING, refund_requested_at=utcnow(),
        next_check_at=utcnow() + RECONCILE_AFTER, check_count=0, **foreign)
    reason = "currency" if foreign else "amount" if not amount_ok else order.status.value
    await OrderEvent.create(order_id=order.id, kind="PAYMENT_REFUND_DUE",
                            detail={"payment_id": payment.id, "reason": reason})
    await money_audit.refund_due(payment, order, fact, reason)
    if not amount_ok:
        await open_exception(
            PaymentExceptionKind.AMOUNT_MISMATCH, payment=payment, provider=payment.provider,
            amount_fen=fact.amount_fen, currency=currency,
            reason=f"paid {fact.amount_fen} {currency} for {payment.amount_fen} cny; "
                   "being refunded")
    after.to_refund.append(payment.id)


async def _on_declined(payment: Payment, fact: PaymentFact, after: AfterCommit) -> None:
    """A declined attempt is not final: the rail can still take money for the trade (Stripe
    keeps the intent payable and the member retries with another card). The payment stays
    REQUIRES_PAYMENT, so reconciliation, the expiry job's check and the closing of the trade
    still follow it; the decline is recorded, and the rail asked again soon (the retry's
    notification may be lost too)."""
    if await Payment.filter(id=payment.id, status=PaymentStatus.REQUIRES_PAYMENT).update(
            next_check_at=utcnow() + RECONCILE_AFTER, check_count=0):
        await OrderEvent.create(order_id=payment.order_id, kind="PAYMENT_FAILED",
                                detail={"payment_id": payment.id, "code": fact.failure_code})


async def _on_closed(payment: Payment, fact: PaymentFact, after: AfterCommit) -> None:
    """The trade was closed unpaid at the rail: FAILED, final (money arriving after all still
    moves it to SUCCEEDED and is refunded)."""
    if await Payment.filter(id=payment.id, status=PaymentStatus.REQUIRES_PAYMENT).update(
            status=PaymentStatus.FAILED):
        await OrderEvent.create(order_id=payment.order_id, kind="PAYMENT_FAILED",
                                detail={"payment_id": payment.id, "code": fact.failure_code,
                                        "closed": True})


class _NotYetKnown(Exception):
    """The fact's payment or refund attempt is not recorded yet: roll back, leave it unseen."""


async def _on_refund_failed(payment: Payment, fact: PaymentFact, after: AfterCommit) -> None:
    payment = await Payment.get(id=payment.id)  # its attempt as it is now, not as first read
    current = ends_current_refund(payment, fact)
    if current is None:
        raise _NotYetKnown
    if not current:
        return  # an earlier attempt's end, told late: the current attempt goes on
    if not await Payment.filter(id=payment.id, status=PaymentStatus.REFUND_PENDING,
                                refund_attempt=payment.refund_attempt).update(
            status=PaymentStatus.REFUND_FAILED):
        return
    code = (fact.failure_code or fact.event_type)[:60]
    await OrderEvent.create(order_id=payment.order_id, kind="REFUND_FAILED",
                            detail={"payment_id": payment.id, "code": code})
    await money_audit.refund_failed(payment, code)
    # What was to go back: what the rail took (another currency's is no fen).
    await open_exception(PaymentExceptionKind.REFUND_FAILED, payment=payment,
                         provider=payment.provider, reason=f"the rail ended the refund: {code}",
                         amount_fen=await money_audit.taken(payment),
                         currency=payment.paid_currency or "cny")


_HANDLERS: dict[FactKind, Callable[[Payment, PaymentFact, AfterCommit], Awaitable[None]]] = {
    FactKind.SUCCEEDED: _on_succeeded,
    FactKind.FAILED: _on_declined,
    FactKind.CLOSED: _on_closed,
    FactKind.REFUNDED: refunded.on_refunded,
    FactKind.REFUND_FAILED: _on_refund_failed,
}


# --- refunds ------------------------------------------------------------------------------

async def request_refund(payment_id: int, reason: str | None = None) -> bool:
    """Ask the payment's provider to refund what remains of it (all of it, unless the rail
    gave some back before: mall.refunded), idempotent per attempt. A refund the
    provider completes at once is applied now; the others by notification or reconciliation.
    False when the provider could not be reached (reconciliation.retry_pending_refunds asks
    again) or refused the refund for good (then REFUND_FAILED, with an exception)."""
    payment = await Payment.get(id=payment_id)
    if payment.status != PaymentStatus.REFUND_PENDING:
        return False  # it ended meanwhile (e.g. the failed attempt's money came back late)
    provider = provider_named(payment.provider)
    if provider is None:
        log.error("payment %s is due a refund from %s, which is not configured",
                  payment.id, payment.provider)
        metrics.REFUNDS_FAILED.add(1, {"provider": payment.provider, "reason": "not_configured"})
        return False
    try:
        if not refunds_in(provider, payment.paid_currency or "cny"):  # for a person (RETRY too)
            raise RefundRefused(CURRENCY_NOT_REFUNDABLE)
        result = await provider.refund(payment, reason)
    except RefundRefused as refused:  # for good: through the gate, as if the rail notified it
        await apply_fact(payment.provider, PaymentFact(
            event_id=f"refused:{refund_number(payment)}", event_type="refund.refused",
            kind=FactKind.REFUND_FAILED, provider_ref=payment.provider_ref,
            failure_code=refused.code))
        return False
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
