"""The sandbox rail: a payment provider for development, demos, tests and front-end teams.

It speaks like a real rail through the same interface: payOrder gets a checkout with a
`pay_url` (UnionHub's own sandbox pay page, unionhub.mall.sandbox), the payer's outcome comes
back as a signed notification to /webhooks/sandbox, refunds stay PROCESSING until someone
says how they ended, and status queries answer from the rail's ledger. The ledger is a table
(`mall_sandbox_trades`) so that the server, the pay page and `unionhub sandbox` share it:
the one provider that touches the database, and it never runs in production.

Notifications are JSON signed like Stripe's: `Sandbox-Signature: t=<unix time>,v1=<hex
HMAC-SHA256 of "<t>.<body>" under UNIONHUB_SANDBOX_SECRET>`, refused outside 300 s.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import ClassVar

from starlette.responses import JSONResponse, Response

from unionhub.mall.models import Payment, SandboxTrade
from unionhub.mall.providers.base import (
    Checkout,
    FactKind,
    InvalidNotification,
    PayChannel,
    PaymentAmountMismatch,
    PaymentConfigurationError,
    PaymentFact,
    PaymentRefused,
    PaymentRequest,
    RefundRefused,
    RefundResult,
    query_event_id,
    refund_number,
)
from unionhub.settings import Settings

SIGNATURE_HEADER = "Sandbox-Signature"
TOLERANCE_SECONDS = 300
# The rail's events → what they say about a payment.
_KINDS = {"payment.succeeded": FactKind.SUCCEEDED, "payment.failed": FactKind.FAILED,
          "payment.closed": FactKind.CLOSED, "refund.succeeded": FactKind.REFUNDED,
          "refund.failed": FactKind.REFUND_FAILED}
# A queried trade's status → its fact (FAILED: declined, payable again); any other: still open.
_TRADE_STATUS_KINDS = {"FAILED": FactKind.FAILED, "CLOSED": FactKind.CLOSED}


def signature(secret: str, body: bytes, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def _verified(secret: str, header: str | None, body: bytes) -> bool:
    parts = dict(p.split("=", 1) for p in (header or "").split(",") if "=" in p)
    try:
        t = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(time.time() - t) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, body, t), f"t={t},v1={parts.get('v1', '')}")


class SandboxProvider:
    name: ClassVar[str] = "sandbox"
    # Every channel: a front-end team tries its own flow, and always gets a pay page.
    channels: ClassVar[frozenset[PayChannel]] = frozenset(PayChannel)
    refund_currencies: ClassVar[frozenset[str] | None] = frozenset({"cny"})

    def __init__(self, settings: Settings) -> None:
        if settings.is_production:
            raise PaymentConfigurationError(
                "the sandbox payment rail is for development: production refuses it")
        self._secret = settings.sandbox_secret
        self._base = settings.sandbox_base_url.rstrip("/")

    async def create_payment(self, request: PaymentRequest) -> Checkout:
        trade, created = await SandboxTrade.get_or_create(
            out_trade_no=request.out_trade_no,
            defaults={"amount_fen": request.amount_fen, "expires_at": request.expires_at})
        if not created:
            if trade.amount_fen != request.amount_fen:
                raise PaymentAmountMismatch("sandbox: this trade number has another amount")
            if trade.status in ("SUCCESS", "CLOSED"):
                raise PaymentRefused(f"sandbox: the trade is {trade.status}")
            if trade.status == "FAILED":  # the payer may try again after a failed attempt
                await SandboxTrade.filter(id=trade.id, status="FAILED").update(status="NOTPAY")
        return Checkout(provider_ref=request.out_trade_no,
                        pay_url=f"{self._base}/sandbox/pay/{request.out_trade_no}")

    async def parse_notification(self, headers: Mapping[str, str], body: bytes) -> PaymentFact:
        if not _verified(self._secret, headers.get(SIGNATURE_HEADER), body):
            raise InvalidNotification("sandbox signature invalid or stale")
        try:
            event = json.loads(body)
            event_id, event_type = str(event["id"])[:64], str(event["type"])[:64]
            ref = str(event["out_trade_no"])
            amount = event.get("amount_fen")
            detail = {"out_refund_no": str(event["out_refund_no"])} \
                if event.get("out_refund_no") else {}
        except (ValueError, KeyError, TypeError):
            raise InvalidNotification("sandbox notification malformed") from None
        return PaymentFact(event_id=event_id, event_type=event_type, kind=_KINDS.get(event_type),
                           provider_ref=ref, amount_fen=amount if isinstance(amount, int) else None,
                           currency="cny", failure_code=event.get("code"), detail=detail)

    def acknowledge(self, outcome: str | None) -> Response:
        if outcome is None:
            return JSONResponse({"error": "invalid notification"}, status_code=400)
        return JSONResponse({"received": True, "outcome": outcome})

    async def refund(self, payment: Payment, reason: str | None) -> RefundResult:
        trade = await self._trade(payment)
        number = refund_number(payment)
        if trade.status != "SUCCESS":
            raise RefundRefused("TRADE_NOT_PAID")
        if trade.refund_no == number:  # a repeat: the same refund
            if trade.refund_status == "FAILED":
                raise RefundRefused("REFUND_FAILED")
            return RefundResult(refund_ref=number, completed=trade.refund_status == "SUCCESS")
        await SandboxTrade.filter(id=trade.id).update(refund_no=number, refund_status="PROCESSING")
        # Like WeChat Pay: PROCESSING until `unionhub sandbox refund-result` says how it ended.
        return RefundResult(refund_ref=number, completed=False)

    async def query(self, payment: Payment) -> PaymentFact | None:
        trade = await self._trade(payment)
        if trade.status == "SUCCESS":
            return PaymentFact(event_id=query_event_id(trade.out_trade_no, FactKind.SUCCEEDED),
                               event_type="query.SUCCESS", kind=FactKind.SUCCEEDED,
                               provider_ref=trade.out_trade_no, amount_fen=trade.paid_fen,
                               currency="cny")
        if (kind := _TRADE_STATUS_KINDS.get(trade.status)) is not None:
            return PaymentFact(event_id=query_event_id(trade.out_trade_no, kind),
                               event_type=f"query.{trade.status}", kind=kind,
                               provider_ref=trade.out_trade_no, failure_code=trade.status)
        return None

    async def query_refund(self, payment: Payment) -> PaymentFact | None:
        trade = await self._trade(payment)
        if trade.refund_no != (payment.refund_ref or refund_number(payment)):
            return None
        kind = {"SUCCESS": FactKind.REFUNDED, "FAILED": FactKind.REFUND_FAILED}.get(
            trade.refund_status or "")
        if kind is None:
            return None
        return PaymentFact(event_id=query_event_id(trade.refund_no, kind),
                           event_type=f"query.refund.{trade.refund_status}", kind=kind,
                           provider_ref=trade.out_trade_no, failure_code=trade.refund_status,
                           detail={"out_refund_no": trade.refund_no})

    async def close(self, payment: Payment) -> bool:
        trade = await self._trade(payment)
        await SandboxTrade.filter(id=trade.id, status__in=("NOTPAY", "FAILED")).update(
            status="CLOSED")
        return (await SandboxTrade.get(id=trade.id)).status == "CLOSED"

    async def aclose(self) -> None:
        return None

    @staticmethod
    async def _trade(payment: Payment) -> SandboxTrade:
        trade = await SandboxTrade.get_or_none(out_trade_no=payment.provider_ref or "")
        if trade is None:
            raise PaymentRefused("sandbox: no such trade")
        return trade
