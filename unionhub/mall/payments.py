"""Payments: Stripe PaymentIntents in CNY (alipay, wechat_pay, card) confirmed by Stripe's
signed webhooks, and union funds (工会经费集采) confirmed by a cadre in scope.

Each webhook event is applied once: inserting its id into `mall_provider_events` is the
gate, in the same transaction as the event's effects. Effects are conditional updates on the
payment's and the order's status, so an event arriving twice (under two ids) or out of order
cannot move anything backwards. A payment that succeeds for an order no longer awaiting it
(cancelled after 30 minutes, or paid another way) is refunded, never lost.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

import stripe
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.errors import AccessDenied, Conflict, InvalidTransition, NotFound
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
from unionhub.settings import get_settings

log = logging.getLogger(__name__)

STRIPE_TYPES = {
    PaymentMethod.ALIPAY: "alipay",
    PaymentMethod.WECHAT_PAY: "wechat_pay",
    PaymentMethod.CARD: "card",
}
# Refund windows after payment: Alipay 90 days, WeChat Pay 180 days (card: Stripe's 180).
REFUND_WINDOW = {
    PaymentMethod.ALIPAY: timedelta(days=90),
    PaymentMethod.WECHAT_PAY: timedelta(days=180),
    PaymentMethod.CARD: timedelta(days=180),
}


class PaymentProviderError(Conflict):
    code = "PAYMENT_PROVIDER_ERROR"


@lru_cache(maxsize=4)
def _client(api_key: str, api_base: str | None) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key, http_client=stripe.HTTPXClient(), max_network_retries=2,
        base_addresses={"api": api_base} if api_base else None,
    )


def stripe_client() -> stripe.StripeClient:
    settings = get_settings()
    return _client(settings.stripe_api_key, settings.stripe_api_base)


def reset_client() -> None:
    _client.cache_clear()


@dataclass
class PaymentResult:
    payment: Payment
    order: Order
    client_secret: str | None


async def pay_order(principal: Principal, order_id: int, method: PaymentMethod) -> PaymentResult:
    member_id = require_authenticated(principal)
    order = await orders.get_order(order_id)
    if method == PaymentMethod.UNION_FUNDS:
        return await _pay_with_union_funds(principal, member_id, order)
    if order.member_id != member_id:
        raise NotFound("order not found", field="orderId")
    _check_payable(order)
    if order.payable_fen == 0:
        return await _settle_without_money(order, member_id, method)
    try:
        intent = await stripe_client().v1.payment_intents.create_async(
            params={
                "amount": order.payable_fen,
                "currency": "cny",
                "payment_method_types": [STRIPE_TYPES[method]],
                "description": f"UnionHub mall order {order.id}",
                "metadata": {"order_id": str(order.id), "method": method.value},
            },
            # Stripe replays its first answer for a key: a retried payOrder gets the same intent.
            options={"idempotency_key": f"order-{order.id}-{order.idempotency_key}-{method.value}"},
        )
    except stripe.StripeError as exc:
        log.warning("stripe refused a payment intent: %s", type(exc).__name__)
        raise PaymentProviderError("the payment provider refused the payment; try again later",
                                   field="method") from None
    payment = await _payment_row(order, method, intent.id)
    return PaymentResult(payment=payment, order=order, client_secret=intent.client_secret)


def _check_payable(order: Order) -> None:
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise InvalidTransition(f"cannot pay an order that is {order.status.value}",
                                field="orderId")
    if order.expires_at <= utcnow():
        raise InvalidTransition("the payment window of this order has closed", field="orderId",
                                code="ORDER_EXPIRED")


async def _payment_row(order: Order, method: PaymentMethod, ref: str) -> Payment:
    try:
        payment, _ = await Payment.get_or_create(
            order_id=order.id, method=method,
            defaults={"provider": "stripe", "provider_ref": ref, "amount_fen": order.payable_fen},
        )
    except IntegrityError:  # a concurrent payOrder for the same order and method
        payment = await Payment.get(order_id=order.id, method=method)
    await OrderEvent.create(order_id=order.id, kind="PAYMENT_STARTED", actor_id=order.member_id,
                            detail={"method": method.value, "payment_id": payment.id})
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
    return PaymentResult(payment=payment, order=await orders.get_order(order.id),
                         client_secret=None)


async def _settle_without_money(order: Order, actor_id: int, method: PaymentMethod,
                                ) -> PaymentResult:
    """A voucher covered the whole order: nothing to collect, so no provider is asked."""
    async with in_transaction():
        if not await orders.mark_paid(order, actor_id, method.value):
            raise InvalidTransition("this order is no longer awaiting payment", field="orderId")
        payment = await Payment.create(order_id=order.id, method=method, provider="none",
                                       amount_fen=0, status=PaymentStatus.SUCCEEDED,
                                       succeeded_at=utcnow())
    return PaymentResult(payment=payment, order=await orders.get_order(order.id),
                         client_secret=None)


# --- webhooks ------------------------------------------------------------------------------

def verify_stripe_event(payload: bytes, signature: str | None) -> dict[str, Any]:
    """The verified event as plain JSON. Raises ValueError (bad JSON) or
    stripe.SignatureVerificationError (bad signature, or older than 300 s: a replay)."""
    text = payload.decode("utf-8")
    stripe.Webhook.construct_event(text, signature, get_settings().stripe_webhook_secret,
                                   tolerance=300)
    return json.loads(text)


async def handle_stripe_event(event: Any) -> str:
    """Apply one verified event exactly once. Returns "applied", "duplicate" or "ignored"."""
    obj = event["data"]["object"]
    to_refund: list[int] = []
    try:
        async with in_transaction():
            await ProviderEvent.create(provider="stripe", event_id=event["id"],
                                       type=event["type"])
            handler = _HANDLERS.get(event["type"])
            if handler is None:
                return "ignored"
            await handler(obj, to_refund)
    except IntegrityError:
        return "duplicate"
    for payment_id in to_refund:
        await refund_stripe_payment(payment_id)
    return "applied"


async def _payment_for(intent_id: str | None) -> Payment | None:
    if not intent_id:
        return None
    payment = await Payment.get_or_none(provider="stripe", provider_ref=intent_id)
    if payment is None:
        log.warning("stripe event for an unknown payment intent")
    return payment


async def _on_succeeded(intent: Any, to_refund: list[int]) -> None:
    payment = await _payment_for(intent["id"])
    if payment is None:
        return
    moved = await Payment.filter(
        id=payment.id, status__in=[PaymentStatus.REQUIRES_PAYMENT, PaymentStatus.FAILED],
    ).update(status=PaymentStatus.SUCCEEDED, succeeded_at=utcnow())
    if not moved:
        return  # already applied under another event id
    order = await Order.get(id=payment.order_id)
    amount_ok = (intent.get("amount_received") == payment.amount_fen
                 and intent.get("currency") == "cny")
    if amount_ok and await orders.mark_paid(order, None, payment.method.value):
        return
    # The order no longer awaits this money (cancelled, paid otherwise) or the amount is wrong:
    # give it back.
    await Payment.filter(id=payment.id).update(status=PaymentStatus.REFUND_PENDING)
    await OrderEvent.create(order_id=order.id, kind="PAYMENT_REFUND_DUE", detail={
        "payment_id": payment.id, "reason": "amount" if not amount_ok else order.status.value})
    to_refund.append(payment.id)


async def _on_failed(intent: Any, to_refund: list[int]) -> None:
    payment = await _payment_for(intent["id"])
    if payment is None:
        return
    if await Payment.filter(id=payment.id, status=PaymentStatus.REQUIRES_PAYMENT).update(
            status=PaymentStatus.FAILED):
        error = intent.get("last_payment_error") or {}
        await OrderEvent.create(order_id=payment.order_id, kind="PAYMENT_FAILED",
                                detail={"payment_id": payment.id, "code": error.get("code")})


async def _on_refunded(charge: Any, to_refund: list[int]) -> None:
    payment = await _payment_for(charge.get("payment_intent"))
    if payment is None:
        return
    if not charge.get("refunded"):
        return  # a partial refund: recorded by Stripe, the order stays as it is
    # Out of order, the refund may arrive before the success it undoes: the payment is then
    # REFUNDED already and the late success no longer moves it (nor pays the order).
    if not await Payment.filter(id=payment.id).exclude(status=PaymentStatus.REFUNDED).update(
            status=PaymentStatus.REFUNDED):
        return
    order = await Order.get(id=payment.order_id)
    # A refund made in Stripe's dashboard also refunds the order; a refunded late payment
    # leaves its cancelled order as it is.
    if not await orders.mark_refunded(order, None, "REFUNDED_BY_PROVIDER"):
        await OrderEvent.create(order_id=order.id, kind="PAYMENT_REFUNDED",
                                detail={"payment_id": payment.id})


_HANDLERS = {
    "payment_intent.succeeded": _on_succeeded,
    "payment_intent.payment_failed": _on_failed,
    "charge.refunded": _on_refunded,
}


async def refund_stripe_payment(payment_id: int) -> bool:
    """Ask Stripe for a full refund (idempotent per payment). The charge.refunded webhook
    completes it; `retry_pending_refunds` asks again if Stripe could not be reached."""
    payment = await Payment.get(id=payment_id)
    try:
        refund = await stripe_client().v1.refunds.create_async(
            params={"payment_intent": payment.provider_ref,
                    "metadata": {"order_id": str(payment.order_id)}},
            options={"idempotency_key": f"refund-payment-{payment.id}"},
        )
    except stripe.StripeError as exc:
        log.warning("stripe refund failed for payment %s: %s", payment.id, type(exc).__name__)
        return False
    await Payment.filter(id=payment.id, refund_ref__isnull=True).update(refund_ref=refund.id)
    return True


async def retry_pending_refunds(limit: int = 100) -> int:
    """Periodic: refunds that were due but never reached Stripe."""
    due = await Payment.filter(provider="stripe", status=PaymentStatus.REFUND_PENDING,
                               refund_ref__isnull=True).limit(limit).values_list("id", flat=True)
    return sum([await refund_stripe_payment(i) for i in due])


async def refund_order(principal: Principal, order_id: int, reason: str | None) -> Order:
    """Refund a paid order: through Stripe for online payments (completed asynchronously by
    charge.refunded), offline for union funds."""
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
    async with in_transaction():
        if not await orders.mark_refunded(order, principal.member_id,
                                          after_shipping=is_mall_manager(principal)):
            await orders.fail_transition(order, "refund")
        # Stripe completes its refunds asynchronously (charge.refunded); the others are done.
        new_status = (PaymentStatus.REFUND_PENDING if payment.provider == "stripe"
                      else PaymentStatus.REFUNDED)
        await Payment.filter(id=payment.id, status=PaymentStatus.SUCCEEDED).update(
            status=new_status)
        await OrderEvent.create(order_id=order.id, kind="REFUND_REQUESTED",
                                actor_id=principal.member_id,
                                detail={"reason": (reason or "")[:200]})
        await audit.record("mall.order.refund", actor_id=principal.member_id,
                           subject_type="order", subject_id=order.id,
                           detail={"payment": payment.id, "method": payment.method.value,
                                   "amount_fen": payment.amount_fen})
    if payment.provider == "stripe":
        await refund_stripe_payment(payment.id)
    return await orders.get_order(order.id)
