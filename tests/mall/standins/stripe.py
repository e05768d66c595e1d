"""Stripe's stand-in: /v1/payment_intents and /v1/refunds answered like Stripe (object
shapes from Stripe's API reference), replaying the first answer for a repeated
Idempotency-Key, and webhook events signed the way Stripe signs them."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx
import respx
import stripe

from tests.mall.standins import Calls, Notification
from unionhub.settings import get_settings

STRIPE_BASE = "http://stripe.test"
WEBHOOK_SECRET = "whsec_test_unionhub_mall"


@dataclass
class StripeStandIn:
    provider: str = "stripe"
    method: str = "CARD"
    webhook_path: str = "/webhooks/stripe"
    refunds_complete_synchronously: bool = False
    fail_next_payment: bool = False
    fail_next_refund: bool = False
    creates_trades: bool = True
    foreign_channel: str = "NATIVE"
    calls: Calls = field(default_factory=Calls)
    intents: dict[str, dict] = field(default_factory=dict)
    refunds: dict[str, dict] = field(default_factory=dict)
    requests: list[tuple[str, dict, str | None]] = field(default_factory=list)
    fail_with: int | None = None  # answer the next intent with this HTTP status
    _replay: dict[str, dict] = field(default_factory=dict)
    _n: itertools.count = field(default_factory=lambda: itertools.count(1))

    # --- the API -------------------------------------------------------------------------

    def _form(self, request: httpx.Request) -> dict[str, Any]:
        return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}

    def create_intent(self, request: httpx.Request) -> httpx.Response:
        key = request.headers.get("Idempotency-Key")
        form = self._form(request)
        self.requests.append(("payment_intent", form, key))
        self.calls.payments.append(form)
        if self.fail_next_payment:
            self.fail_next_payment, self.fail_with = False, 400
        if self.fail_with is not None:
            status, self.fail_with = self.fail_with, None
            return httpx.Response(status, json={"error": {
                "type": "invalid_request_error", "code": "payment_method_unactivated",
                "message": "The payment method type provided: alipay is invalid."}})
        if key in self._replay:
            return httpx.Response(200, json=self._replay[key])
        pi_id = f"pi_{next(self._n):08d}TEST"
        types = [v for k, v in form.items() if k.startswith("payment_method_types")]
        intent = {
            "id": pi_id, "object": "payment_intent", "amount": int(form["amount"]),
            "amount_received": 0, "currency": form["currency"],
            "status": "requires_payment_method",
            "client_secret": f"{pi_id}_secret_{uuid.uuid4().hex[:12]}",
            "payment_method_types": types,
            "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
            "livemode": False, "created": int(time.time()), "last_payment_error": None,
        }
        self.intents[pi_id] = intent
        self._replay[key] = intent
        return httpx.Response(200, json=intent)

    def retrieve_intent(self, request: httpx.Request, intent_id: str) -> httpx.Response:
        self.calls.queries.append(intent_id)
        if intent_id not in self.intents:
            return httpx.Response(404, json={"error": {"type": "invalid_request_error",
                                                       "code": "resource_missing"}})
        return httpx.Response(200, json=self.intents[intent_id])

    def create_refund(self, request: httpx.Request) -> httpx.Response:
        key = request.headers.get("Idempotency-Key")
        form = self._form(request)
        self.requests.append(("refund", form, key))
        if key in self._replay:
            return httpx.Response(200, json=self._replay[key])
        intent = self.intents[form["payment_intent"]]
        # Without an amount, Stripe refunds what remains of the charge; never more than that.
        left = (intent["amount_received"] or intent["amount"]) - self.refunded_fen(intent["id"])
        amount = int(form.get("amount", left))
        if left <= 0 or not 0 < amount <= left:
            code = "charge_already_refunded" if left <= 0 else "amount_too_large"
            return httpx.Response(400, json={"error": {"type": "invalid_request_error",
                                                       "code": code, "message": code}})
        self.calls.refunds.append(form["payment_intent"])
        refund = {"id": f"re_{next(self._n):08d}TEST", "object": "refund",
                  "amount": amount, "currency": intent["currency"],
                  "payment_intent": intent["id"], "status": "pending",
                  "created": int(time.time()), "metadata": {}}
        self.refunds[refund["id"]] = refund
        self._replay[key] = refund
        return httpx.Response(200, json=refund)

    def refunded_fen(self, intent_id: str) -> int:
        """The charge's amount_refunded: its refunds that have not failed."""
        return sum(r["amount"] for r in self.refunds.values()
                   if r["payment_intent"] == intent_id and r["status"] not in ("failed", "canceled"))

    def dashboard_refund(self, ref: str, refund_fen: int) -> Notification:
        """A refund made in Stripe's dashboard, and the charge.refunded event it sends."""
        refund_id = f"re_{next(self._n):08d}TEST"
        self.refunds[refund_id] = {"id": refund_id, "object": "refund", "amount": refund_fen,
                                   "payment_intent": ref, "status": "succeeded"}
        amount_refunded = self.refunded_fen(ref)
        return signed(self.event("charge.refunded", ref, amount_refunded=amount_refunded,
                                 refunded=amount_refunded == self.intents[ref]["amount"]))

    def retrieve_refund(self, request: httpx.Request, refund_id: str) -> httpx.Response:
        return httpx.Response(200, json=self.refunds[refund_id])

    def cancel_intent(self, request: httpx.Request, intent_id: str) -> httpx.Response:
        self.calls.closes.append(intent_id)
        intent = self.intents.get(intent_id)
        if intent is None:
            return httpx.Response(404, json={"error": {"type": "invalid_request_error",
                                                       "code": "resource_missing"}})
        if intent["status"] in ("succeeded", "canceled"):
            return httpx.Response(400, json={"error": {
                "type": "invalid_request_error", "code": "payment_intent_unexpected_state",
                "message": f"This PaymentIntent's status is {intent['status']}."}})
        intent.update(status="canceled", cancellation_reason=self._form(request).get(
            "cancellation_reason"))
        return httpx.Response(200, json=intent)

    # --- the StandIn protocol ------------------------------------------------------------

    def ref_from_checkout(self, checkout: dict) -> str:
        assert checkout["provider"] == "stripe"
        secret = checkout["clientSecret"]
        assert secret.startswith(checkout["reference"] + "_secret_")
        return checkout["reference"]

    def pay(self, ref: str, amount_fen: int | None = None) -> None:
        intent = self.intents[ref]
        intent.update(status="succeeded",
                      amount_received=intent["amount"] if amount_fen is None else amount_fen)

    def close(self, ref: str) -> None:
        self.intents[ref].update(status="canceled")

    def decline(self, ref: str) -> Notification | None:
        # Stripe keeps the intent open for another payment method.
        self.intents[ref].update(status="requires_payment_method", last_payment_error={
            "code": "card_declined", "message": "Your card was declined."})
        return signed(self.event("payment_intent.payment_failed", ref))

    def success_notification(self, ref: str, *, notification_id: str | None = None,
                             ) -> Notification:
        return signed(self.event("payment_intent.succeeded", ref, event_id=notification_id,
                                 amount_received=self.intents[ref]["amount_received"]
                                 or self.intents[ref]["amount"]))

    def refund_notification(self, ref: str) -> Notification:
        for refund in self.refunds.values():
            if refund["payment_intent"] == ref:
                refund["status"] = "succeeded"
        return signed(self.event("charge.refunded", ref))

    def refund_failed_notification(self, ref: str) -> Notification | None:
        refund = [r for r in self.refunds.values() if r["payment_intent"] == ref][-1]
        refund.update(status="failed", failure_reason="expired_or_canceled_card")
        self.fail_next_refund = False
        return signed({"id": f"evt_{uuid.uuid4().hex[:24]}", "object": "event",
                       "api_version": "2024-06-20", "created": int(time.time()),
                       "livemode": False, "type": "refund.failed",
                       "data": {"object": dict(refund)}})

    def reach(self, ref: str) -> None:
        return None  # the intent exists from payOrder on

    def is_closed(self, ref: str) -> bool:
        return self.intents[ref]["status"] == "canceled"

    def forge(self, notification: Notification) -> Notification:
        return signed(json.loads(notification.body), secret="whsec_someone_else")

    def stale(self, ref: str) -> Notification | None:
        return signed(self.event("payment_intent.succeeded", ref),
                      timestamp=int(time.time()) - 301)

    def accepted(self, response: httpx.Response) -> bool:
        return response.status_code == 200 and response.json().get("received") is True

    # --- events --------------------------------------------------------------------------

    def event(self, type_: str, intent_id: str, *, event_id: str | None = None,
              **over: Any) -> dict:
        intent = dict(self.intents[intent_id])
        if type_ == "payment_intent.succeeded":
            intent.update(status="succeeded", amount_received=intent["amount"])
        elif type_ == "payment_intent.payment_failed":
            intent.update(status="requires_payment_method", last_payment_error={
                "code": "card_declined", "message": "Your card was declined."})
        if type_ == "charge.refunded":
            obj = {"id": f"ch_{intent_id[3:]}", "object": "charge", "amount": intent["amount"],
                   "amount_refunded": intent["amount"], "currency": intent["currency"],
                   "payment_intent": intent_id, "refunded": True, "status": "succeeded"}
        else:
            obj = intent
        obj.update(over)
        return {"id": event_id or f"evt_{uuid.uuid4().hex[:24]}", "object": "event",
                "api_version": "2024-06-20", "created": int(time.time()), "livemode": False,
                "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None},
                "type": type_, "data": {"object": obj}}


def signed(event: dict, secret: str = WEBHOOK_SECRET, timestamp: int | None = None,
           ) -> Notification:
    body = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp)
    return Notification(headers={"Stripe-Signature": header,
                                 "Content-Type": "application/json"},
                        body=body.encode())


@contextmanager
def standin(monkeypatch) -> Iterator[StripeStandIn]:
    """Stripe takes every online method (the default configuration). Call
    `unionhub.mall.providers.reset_providers()` around it: providers are built per process."""
    settings = get_settings()
    monkeypatch.setattr(settings, "stripe_api_base", STRIPE_BASE)
    monkeypatch.setattr(settings, "stripe_api_key", "sk_test_unionhub")
    monkeypatch.setattr(settings, "stripe_webhook_secret", WEBHOOK_SECRET)
    monkeypatch.setattr(settings, "payment_providers", {})
    stand_in = StripeStandIn()
    with respx.mock(base_url=STRIPE_BASE, assert_all_called=False) as router:
        router.post("/v1/payment_intents").mock(side_effect=stand_in.create_intent)
        router.get(path__regex=r"^/v1/payment_intents/(?P<intent_id>[^/]+)$").mock(
            side_effect=stand_in.retrieve_intent)
        router.post(path__regex=r"^/v1/payment_intents/(?P<intent_id>[^/]+)/cancel$").mock(
            side_effect=stand_in.cancel_intent)
        router.post("/v1/refunds").mock(side_effect=stand_in.create_refund)
        router.get(path__regex=r"^/v1/refunds/(?P<refund_id>[^/]+)$").mock(
            side_effect=stand_in.retrieve_refund)
        yield stand_in
