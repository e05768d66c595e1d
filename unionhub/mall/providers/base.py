"""The payment provider interface: what the mall asks of Stripe, WeChat Pay and Alipay.

The order and voucher logic (unionhub.mall.payments) is written once above this interface;
a provider only speaks its rail's protocol: it starts a payment, turns a signed notification
into a verified `PaymentFact`, refunds, and answers status queries for payments whose
notification never came. Providers hold no state of ours and never touch the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

from starlette.responses import Response

from unionhub.errors import Conflict, DependencyUnavailable

if TYPE_CHECKING:
    from collections.abc import Mapping

    from unionhub.mall.models import Payment, PaymentMethod


class PayChannel(StrEnum):
    """How the member pays, where the rail offers several ways."""

    DEFAULT = "DEFAULT"  # the provider's usual: Stripe client secret, WeChat NATIVE, Alipay PAGE
    NATIVE = "NATIVE"  # WeChat Pay: a QR code (code_url) scanned with WeChat
    JSAPI = "JSAPI"  # WeChat Pay inside WeChat (official account page): needs the payer's openid
    MINI_PROGRAM = "MINI_PROGRAM"  # WeChat Pay in a mini program: needs the payer's openid
    PAGE = "PAGE"  # Alipay desktop page payment (alipay.trade.page.pay): a signed URL
    WAP = "WAP"  # Alipay mobile web payment (alipay.trade.wap.pay): a signed URL
    APP = "APP"  # Alipay in an app (alipay.trade.app.pay): the signed order string


@dataclass(frozen=True)
class PaymentRequest:
    order_id: int
    method: PaymentMethod
    channel: PayChannel
    # Our reference for the payment, unique per (order, method), at most 32 of [A-Za-z0-9_]:
    # WeChat's out_trade_no and Alipay's out_trade_no; Stripe's idempotency key.
    out_trade_no: str
    amount_fen: int
    description: str
    expires_at: datetime  # the order's payment window: the rail closes the trade then too
    payer_openid: str | None = None  # WeChat JSAPI / mini program only


@dataclass(frozen=True)
class Checkout:
    """What the member's app needs to pay; exactly the fields of the provider's channel."""

    provider_ref: str  # the payment's id at the provider, kept in Payment.provider_ref
    client_secret: str | None = None  # Stripe
    code_url: str | None = None  # WeChat NATIVE: shown as a QR code
    jsapi_params: dict[str, str] | None = None  # WeChat JSAPI / mini program: wx.requestPayment
    pay_url: str | None = None  # Alipay PAGE / WAP: the signed gateway URL to open
    order_string: str | None = None  # Alipay APP: handed to the Alipay SDK in the app


class FactKind(StrEnum):
    SUCCEEDED = "SUCCEEDED"  # the money arrived
    # An attempt was declined (Stripe payment_failed, WeChat PAYERROR, the sandbox's Fail):
    # not final, the trade can still take money (the member retries), so it stays followed.
    FAILED = "FAILED"
    CLOSED = "CLOSED"  # the trade was closed unpaid: it can take no more money (final)
    REFUNDED = "REFUNDED"  # the money went back in full
    REFUND_FAILED = "REFUND_FAILED"  # the rail ended the refund failed: a person must act


@dataclass(frozen=True)
class PaymentFact:
    """A verified statement by the provider about one payment."""

    event_id: str  # dedup key: the notification's id (or a query's synthetic id)
    event_type: str  # the provider's own name for it, kept for operators
    kind: FactKind | None  # None: verified but nothing the mall acts on
    provider_ref: str | None = None  # matches Payment.provider_ref
    amount_fen: int | None = None  # SUCCEEDED: what was paid; REFUNDED: the refunded total
    refund_fen: int | None = None  # REFUNDED: this refund alone, where that is all a rail states
    currency: str | None = None  # lower case ISO code ("cny")
    full_refund: bool = True  # REFUNDED: False for a partial refund (the order stays as it is)
    failure_code: str | None = None  # FAILED: the provider's code, never personal data
    detail: dict[str, str] = field(default_factory=dict)  # ids for the order's event log


@dataclass(frozen=True)
class RefundResult:
    refund_ref: str  # the refund's id at the provider (or our out_refund_no)
    completed: bool  # the money is back already (else a notification or a query will tell)


class InvalidNotification(Exception):
    """Forged, stale, malformed or for another merchant: answered 4xx, nothing applied. The
    message is for our logs and never includes the body."""


class ProviderUnavailable(DependencyUnavailable):
    """The provider could not be reached or refused the call; a job will ask again."""


class PaymentRefused(ProviderUnavailable):
    """The provider answered and said no (a 4xx, a business error): asking again the same
    way will not help."""


class PaymentAmountMismatch(PaymentRefused):
    """The provider holds this trade number for another amount."""


class RefundRefused(Exception):
    """The rail refused to make the refund for good (a closed trade, an amount it will not
    return): the refund has failed and needs a person. Carries the rail's code only."""

    def __init__(self, code: str) -> None:
        super().__init__(f"refund refused by the rail: {code}")
        self.code = code


class PaymentProviderError(Conflict):
    """payOrder could not start the payment: PAYMENT_PROVIDER_UNAVAILABLE (unreachable or not
    configured), PAYMENT_REFUSED (the rail said no), PAYMENT_AMOUNT_MISMATCH."""

    code = "PAYMENT_PROVIDER_UNAVAILABLE"


class PaymentConfigurationError(RuntimeError):
    """A method is configured for a provider whose keys are missing or unreadable: the
    process refuses to start. Names settings, never their values."""


class PaymentProvider(Protocol):
    name: ClassVar[str]  # "stripe", "wechatpay", "alipay": Payment.provider and the webhook path
    channels: ClassVar[frozenset[PayChannel]]  # the channels it accepts (DEFAULT always)
    # The currencies (lower case) its refunds give money back in; None: any, the rail refunds
    # a charge in the charge's own (Stripe). WeChat Pay's domestic refund API and Alipay's
    # take CNY only: money they took in another currency is refused (refunds_in).
    refund_currencies: ClassVar[frozenset[str] | None]

    async def create_payment(self, request: PaymentRequest) -> Checkout:
        """Start (or, for the same out_trade_no, return again) the payment at the provider.
        Raises ProviderUnavailable."""
        ...

    async def parse_notification(self, headers: Mapping[str, str], body: bytes) -> PaymentFact:
        """Verify the signature (and freshness, where the rail signs a timestamp), decrypt,
        and say what happened. Raises InvalidNotification."""
        ...

    def acknowledge(self, outcome: str | None) -> Response:
        """The HTTP answer the provider expects: `outcome` is "applied", "duplicate" or
        "ignored" when the fact was taken, None when the notification was refused (so the
        provider will deliver it again, or give up if it was forged)."""
        ...

    async def refund(self, payment: Payment, reason: str | None) -> RefundResult:
        """Full refund of a payment, idempotent per payment (out_refund_no derived from it).
        Raises ProviderUnavailable."""
        ...

    async def query(self, payment: Payment) -> PaymentFact | None:
        """The payment's status now, for reconciliation; None while it is still open.
        Raises ProviderUnavailable."""
        ...

    async def query_refund(self, payment: Payment) -> PaymentFact | None:
        """A requested refund's status (payment.refund_ref is set); None while processing,
        a REFUND_FAILED fact when the rail ended it failed."""
        ...

    async def close(self, payment: Payment) -> bool:
        """Close the unpaid trade at the rail (the order was cancelled or timed out), so the
        member can no longer pay it. True when closed (or never opened there); False when
        the trade is paid already (reconciliation then learns it and refunds). Raises
        ProviderUnavailable."""
        ...

    async def aclose(self) -> None:
        ...


def secret_text(inline: str | None, path: str | None) -> str | None:
    """A key given inline in the environment, or read from the file the environment names."""
    if inline:
        return inline
    if path:
        return Path(path).read_text(encoding="utf-8")
    return None


# A refund a rail cannot make: the money came in a currency its refund API does not give back.
CURRENCY_NOT_REFUNDABLE = "CURRENCY_NOT_REFUNDABLE"


def refunds_in(provider: PaymentProvider, currency: str) -> bool:
    """Whether the provider's refunds can give back money taken in `currency` (lower case)."""
    return provider.refund_currencies is None or currency in provider.refund_currencies


def refund_number(payment: Payment) -> str:
    """Our number for the payment's current refund attempt: `<trade number>R`, then R2, R3
    after failed refunds retried by an operator (each a new refund at the rail)."""
    suffix = "R" if payment.refund_attempt <= 1 else f"R{payment.refund_attempt}"
    return f"{payment.provider_ref}{suffix}"


def ends_current_refund(payment: Payment, fact: PaymentFact) -> bool | None:
    """Whether a refund's end (a REFUND_FAILED fact) is the payment's current attempt's: True;
    False for an earlier attempt's, told late (Stripe tells one failure by several events,
    each its own id); None when it cannot be told yet: the fact names the rail's own refund
    id and the current attempt's is not recorded (our write has not committed, or the refund
    has not reached the rail). A fact naming no refund (our refused request) is current. With
    no refund of ours ever asked (`refund_requested_at`, committed before any rail is asked),
    it is a refund made in the rail's dashboard: none of ours, and no wait (a review found its
    failure refused at every delivery, waiting for an id that never comes)."""
    number = fact.detail.get("out_refund_no") or fact.detail.get("out_request_no")
    if number:  # our refund numbers: the current one is known before the rail answers
        return number in (payment.refund_ref, refund_number(payment))
    refund_id = fact.detail.get("refund_id")
    if refund_id:
        if payment.refund_ref is None:
            return None if payment.refund_requested_at is not None else False
        return refund_id == payment.refund_ref
    return True


def query_event_id(provider_ref: str, kind: FactKind | None) -> str:
    """Facts learnt by asking (reconciliation) dedupe among themselves by what they say."""
    return f"query:{provider_ref}:{kind.value if kind else 'open'}"[:64]
