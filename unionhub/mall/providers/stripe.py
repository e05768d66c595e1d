"""Stripe: PaymentIntents in CNY (alipay, wechat_pay, card), confirmed by signed webhooks.

For operators registered where Stripe serves them (Hong Kong, Singapore, ...); a mainland
union routes ALIPAY and WECHAT_PAY to the rails' own APIs instead (see providers/__init__).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any, ClassVar

import stripe
from starlette.responses import JSONResponse, Response

from unionhub.mall.models import Payment, PaymentMethod
from unionhub.mall.providers.base import (
    Checkout,
    FactKind,
    InvalidNotification,
    PayChannel,
    PaymentFact,
    PaymentRefused,
    PaymentRequest,
    ProviderUnavailable,
    RefundRefused,
    RefundResult,
    query_event_id,
)
from unionhub.settings import Settings

log = logging.getLogger(__name__)

STRIPE_TYPES = {
    PaymentMethod.ALIPAY: "alipay",
    PaymentMethod.WECHAT_PAY: "wechat_pay",
    PaymentMethod.CARD: "card",
}
SIGNATURE_TOLERANCE_SECONDS = 300  # an older signed timestamp is a replay
# Stripe's answers that are a "no" (asking again the same way will not help); connection
# errors, rate limits, 5xx and our own keys being wrong mean "not reachable now".
_REFUSALS = (stripe.InvalidRequestError, stripe.CardError, stripe.IdempotencyError,
             stripe.PermissionError)
_REFUND_ENDED = {"failed", "canceled"}


def _unavailable_or_refused(exc: stripe.StripeError, what: str) -> ProviderUnavailable:
    if isinstance(exc, _REFUSALS):
        return PaymentRefused(f"stripe refused the {what}")
    return ProviderUnavailable(f"stripe could not be reached for the {what}")


class StripeProvider:
    name: ClassVar[str] = "stripe"
    channels: ClassVar[frozenset[PayChannel]] = frozenset({PayChannel.DEFAULT})
    refund_currencies: ClassVar[frozenset[str] | None] = None  # a charge is refunded in its own currency

    def __init__(self, settings: Settings) -> None:
        # Keys always have a value: development defaults are refused in production by Settings.
        self._webhook_secret = settings.stripe_webhook_secret
        self._client = stripe.StripeClient(
            settings.stripe_api_key, http_client=stripe.HTTPXClient(), max_network_retries=2,
            base_addresses={"api": settings.stripe_api_base} if settings.stripe_api_base
            else None)

    async def create_payment(self, request: PaymentRequest) -> Checkout:
        try:
            intent = await self._client.v1.payment_intents.create_async(
                # stripe 16.x types allowed_payment_method_types only, not this older parameter
                params={  # type: ignore[typeddict-unknown-key]
                    "amount": request.amount_fen,
                    "currency": "cny",
                    "payment_method_types": [STRIPE_TYPES[request.method]],
                    "description": request.description,
                    # PaymentIntents have no expiry of their own: the order's timeout
                    # cancels the intent (mall.reconciliation closes trades); kept here for
                    # the dashboard.
                    "metadata": {"order_id": str(request.order_id),
                                 "method": request.method.value,
                                 "expires_at": request.expires_at.isoformat()},
                },
                # Stripe replays its first answer for a key: a retried payOrder gets the
                # same intent.
                options={"idempotency_key": request.out_trade_no},
            )
        except stripe.StripeError as exc:
            log.warning("stripe refused a payment intent: %s", type(exc).__name__)
            raise _unavailable_or_refused(exc, "payment intent") from None
        return Checkout(provider_ref=intent.id, client_secret=intent.client_secret)

    async def parse_notification(self, headers: Mapping[str, str], body: bytes) -> PaymentFact:
        try:
            text = body.decode("utf-8")
            stripe.Webhook.construct_event(text, headers.get("stripe-signature"),
                                           self._webhook_secret,
                                           tolerance=SIGNATURE_TOLERANCE_SECONDS)
            event = json.loads(text)
            return _fact(event["id"], event["type"], event["data"]["object"])
        except stripe.SignatureVerificationError:
            raise InvalidNotification("stripe signature invalid or stale") from None
        except (ValueError, KeyError, TypeError):
            raise InvalidNotification("stripe event malformed") from None

    def acknowledge(self, outcome: str | None) -> Response:
        if outcome is None:
            return JSONResponse({"error": "invalid notification"}, status_code=400)
        # A duplicate is answered 200 too: Stripe stops redelivering it.
        return JSONResponse({"received": True, "outcome": outcome})

    async def refund(self, payment: Payment, reason: str | None) -> RefundResult:
        attempt = "" if payment.refund_attempt <= 1 else f"-{payment.refund_attempt}"
        try:
            refund = await self._client.v1.refunds.create_async(
                params={"payment_intent": _intent_of(payment),
                        "metadata": {"order_id": str(payment.order_id)}},
                options={"idempotency_key": f"refund-payment-{payment.id}{attempt}"},
            )
        except stripe.InvalidRequestError as exc:
            # e.g. charge_already_refunded, charge_disputed: this refund will never be made.
            log.warning("stripe refused the refund of payment %s: %s", payment.id, exc.code)
            raise RefundRefused(str(exc.code or "invalid_request")[:60]) from None
        except stripe.StripeError as exc:
            log.warning("stripe refund failed for payment %s: %s", payment.id,
                        type(exc).__name__)
            raise ProviderUnavailable("stripe refused the refund") from None
        if refund.status in _REFUND_ENDED:
            raise RefundRefused(str(getattr(refund, "failure_reason", None) or refund.status))
        # Stripe completes refunds asynchronously: charge.refunded (or a query) tells.
        return RefundResult(refund_ref=refund.id, completed=refund.status == "succeeded")

    async def query(self, payment: Payment) -> PaymentFact | None:
        try:
            intent = await self._client.v1.payment_intents.retrieve_async(_intent_of(payment))
        except stripe.StripeError as exc:
            raise ProviderUnavailable(f"stripe query failed: {type(exc).__name__}") from None
        kind = {"succeeded": FactKind.SUCCEEDED, "canceled": FactKind.CLOSED}.get(intent.status)
        if kind is None:
            return None  # still open (requires_payment_method after a decline, processing, ...)
        return PaymentFact(event_id=query_event_id(intent.id, kind),
                           event_type=f"query.{intent.status}", kind=kind,
                           provider_ref=intent.id, amount_fen=intent.amount_received,
                           currency=intent.currency)

    async def query_refund(self, payment: Payment) -> PaymentFact | None:
        if not payment.refund_ref:
            return None
        try:
            refund = await self._client.v1.refunds.retrieve_async(payment.refund_ref)
        except stripe.StripeError as exc:
            raise ProviderUnavailable(f"stripe query failed: {type(exc).__name__}") from None
        if refund.status in _REFUND_ENDED:
            return PaymentFact(event_id=query_event_id(refund.id, FactKind.REFUND_FAILED),
                               event_type=f"query.refund.{refund.status}",
                               kind=FactKind.REFUND_FAILED, provider_ref=payment.provider_ref,
                               failure_code=getattr(refund, "failure_reason", None) or refund.status,
                               detail={"refund_id": refund.id})
        if refund.status != "succeeded":
            return None
        return PaymentFact(event_id=query_event_id(refund.id, FactKind.REFUNDED),
                           event_type="query.refund.succeeded", kind=FactKind.REFUNDED,
                           provider_ref=payment.provider_ref)

    async def close(self, payment: Payment) -> bool:
        intents = self._client.v1.payment_intents
        try:
            await intents.cancel_async(_intent_of(payment),
                                       params={"cancellation_reason": "abandoned"})
            return True
        except stripe.InvalidRequestError:
            pass  # not cancelable in its state: canceled already, or paid
        except stripe.StripeError as exc:
            raise ProviderUnavailable(f"stripe cancel failed: {type(exc).__name__}") from None
        try:
            intent = await intents.retrieve_async(_intent_of(payment))
        except stripe.StripeError as exc:
            raise ProviderUnavailable(f"stripe query failed: {type(exc).__name__}") from None
        return intent.status == "canceled"

    async def aclose(self) -> None:
        return None


def _fact(event_id: str, event_type: str, obj: dict[str, Any]) -> PaymentFact:
    if event_type == "payment_intent.succeeded":
        order_id = str((obj.get("metadata") or {}).get("order_id") or "")[:20]
        return PaymentFact(event_id=event_id, event_type=event_type, kind=FactKind.SUCCEEDED,
                           provider_ref=obj["id"], amount_fen=obj.get("amount_received"),
                           currency=obj.get("currency"),
                           detail={"order_id": order_id} if order_id else {})
    if event_type == "payment_intent.payment_failed":
        # A declined attempt: the intent stays payable (requires_payment_method).
        error = obj.get("last_payment_error") or {}
        return PaymentFact(event_id=event_id, event_type=event_type, kind=FactKind.FAILED,
                           provider_ref=obj["id"], failure_code=error.get("code"))
    if event_type == "payment_intent.canceled":
        return PaymentFact(event_id=event_id, event_type=event_type, kind=FactKind.CLOSED,
                           provider_ref=obj["id"], failure_code="canceled")
    if event_type in ("refund.failed", "refund.updated", "charge.refund.updated") \
            and obj.get("status") in _REFUND_ENDED:
        return PaymentFact(event_id=event_id, event_type=event_type,
                           kind=FactKind.REFUND_FAILED, provider_ref=obj.get("payment_intent"),
                           failure_code=obj.get("failure_reason") or obj.get("status"),
                           # Which refund: an earlier attempt's failure may arrive late.
                           detail={"refund_id": str(obj.get("id") or "")[:64]})
    if event_type == "charge.refunded":
        # The charge's amount_refunded is its running total, in the currency's minor unit.
        refunded = obj.get("amount_refunded")
        return PaymentFact(event_id=event_id, event_type=event_type, kind=FactKind.REFUNDED,
                           provider_ref=obj.get("payment_intent"),
                           amount_fen=refunded if isinstance(refunded, int) else None,
                           currency=obj.get("currency"), full_refund=bool(obj.get("refunded")))
    return PaymentFact(event_id=event_id, event_type=event_type, kind=None)


def _intent_of(payment: Payment) -> str:
    # Refunds, queries and closes follow a created payment: it has its intent's id.
    if payment.provider_ref is None:
        raise ValueError(f"payment {payment.id} has no Stripe PaymentIntent")
    return payment.provider_ref
