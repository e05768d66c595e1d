"""Each call a payment rail answers over the network (create, refund, query, query_refund,
close) as a `payment <operation>` CLIENT span and a point of
`unionhub.provider.request.duration` (kind `payment`, the provider's name, the outcome):
observability/provider_calls.py. Notifications are parsed locally and are not calls."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from starlette.responses import Response

from unionhub.mall.models import Payment
from unionhub.mall.providers.base import (
    Checkout,
    PayChannel,
    PaymentFact,
    PaymentProvider,
    PaymentRefused,
    PaymentRequest,
    ProviderUnavailable,
    RefundRefused,
    RefundResult,
)
from unionhub.observability.provider_calls import provider_call


def outcome_of(exc: BaseException) -> str:
    """refused: the rail said no (for good, or to this request); unavailable: no answer it
    could give (unreachable, 5xx, our keys); error: anything else (a bug, a bad answer)."""
    if isinstance(exc, PaymentRefused | RefundRefused):
        return "refused"
    return "unavailable" if isinstance(exc, ProviderUnavailable) else "error"


class TracedProvider:
    name: ClassVar[str] = ""
    channels: ClassVar[frozenset[PayChannel]] = frozenset()
    refund_currencies: ClassVar[frozenset[str] | None] = frozenset()

    def __init__(self, inner: PaymentProvider) -> None:
        self.inner = inner

    def _call(self, operation: str) -> provider_call:
        return provider_call("payment", self.name, operation, outcome_of)

    async def create_payment(self, request: PaymentRequest) -> Checkout:
        with self._call("create_payment"):
            return await self.inner.create_payment(request)

    async def parse_notification(self, headers: Mapping[str, str], body: bytes) -> PaymentFact:
        return await self.inner.parse_notification(headers, body)

    def acknowledge(self, outcome: str | None) -> Response:
        return self.inner.acknowledge(outcome)

    async def refund(self, payment: Payment, reason: str | None) -> RefundResult:
        with self._call("refund"):
            return await self.inner.refund(payment, reason)

    async def query(self, payment: Payment) -> PaymentFact | None:
        with self._call("query"):
            return await self.inner.query(payment)

    async def query_refund(self, payment: Payment) -> PaymentFact | None:
        with self._call("query_refund"):
            return await self.inner.query_refund(payment)

    async def close(self, payment: Payment) -> bool:
        with self._call("close"):
            return await self.inner.close(payment)

    async def aclose(self) -> None:
        await self.inner.aclose()


def traced(provider: PaymentProvider) -> PaymentProvider:
    """The provider with its calls traced; same name, channels and refund currencies (class
    attributes, as the protocol has them)."""
    cls = type(f"Traced{type(provider).__name__}", (TracedProvider,),
               {"name": provider.name, "channels": provider.channels,
                "refund_currencies": provider.refund_currencies})
    wrapped: PaymentProvider = cls(provider)
    return wrapped
