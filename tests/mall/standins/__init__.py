"""Local stand-ins for the payment rails, one module per provider, all behind `StandIn`
(a module named _* holds a part of one, e.g. WeChat Pay's keys: it is no rail).

Each module exposes `standin(monkeypatch)`: a context manager that makes test keys (RSA
pairs, certificates: generated here, never on the network), points the settings at them,
routes the method it serves to its provider (`settings.payment_providers`), mounts respx
routes that speak the provider's documented request and response formats (checking our
request signatures, signing its answers), and yields the stand-in. The order-lifecycle tests
(tests/mall/test_payment_lifecycle.py) run over all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import httpx


@dataclass(frozen=True)
class Notification:
    """An HTTP request the provider sends to our webhook."""

    headers: dict[str, str]
    body: bytes


@dataclass
class Calls:
    """What the stand-in received from us, for assertions."""

    payments: list[dict] = field(default_factory=list)  # create requests, decoded
    refunds: list[str] = field(default_factory=list)  # provider refs refunded, in order
    queries: list[str] = field(default_factory=list)  # provider refs whose status was asked
    closes: list[str] = field(default_factory=list)  # provider refs we asked the rail to close


class StandIn(Protocol):
    provider: str  # "stripe" | "wechatpay" | "alipay": Payment.provider
    method: str  # the GraphQL PaymentMethod the lifecycle tests pay with
    webhook_path: str  # "/webhooks/<provider>"
    calls: Calls
    fail_next_payment: bool  # answer the next create request with the provider's error
    creates_trades: bool  # we call the rail to start a payment (not so: Alipay's page pay)
    foreign_channel: str  # a PaymentChannel the rail does not offer
    refunds_complete_synchronously: bool  # the refund call itself says the money is back
    # The rail ends the next refund failed: in the refund call's answer (Alipay), or later
    # by the notification `refund_failed_notification` returns (the others).
    fail_next_refund: bool

    def ref_from_checkout(self, checkout: dict) -> str:
        """payOrder's `checkout` (GraphQL, camelCase) → the provider ref (Payment.provider_ref);
        also asserts the checkout has the fields of the provider's default channel."""

    def pay(self, ref: str, amount_fen: int | None = None) -> None:
        """The member pays at the provider: the trade is paid (status queries see it), but
        no notification is sent. `amount_fen` overrides the amount paid (tampering tests)."""

    def close(self, ref: str) -> None:
        """The trade is closed unpaid at the provider (queries see it)."""

    def decline(self, ref: str) -> Notification | None:
        """An attempt to pay the trade fails (a declined card, a bank's error) and the trade
        stays payable: the rail's state for that, and the notification it sends about it
        (None where the rail notifies no failed attempt)."""

    def success_notification(self, ref: str, *, notification_id: str | None = None,
                             ) -> Notification:
        """The signed notification the provider sends for a paid trade (call `pay` first)."""

    def refund_notification(self, ref: str) -> Notification:
        """The signed notification that the full refund of `ref` completed; also makes the
        refund successful for refund status queries."""

    def dashboard_refund(self, ref: str, refund_fen: int) -> Notification:
        """A refund of `refund_fen` made in the rail's dashboard (not asked by us), and the
        signed notification the rail sends about it."""

    def refund_failed_notification(self, ref: str) -> Notification | None:
        """The signed notification that the rail ended the refund of `ref` failed (also seen
        by refund status queries); None where the refund call itself said so."""

    def reach(self, ref: str) -> None:
        """The member reaches the rail's payment page (Alipay creates its trade only then)."""

    def is_closed(self, ref: str) -> bool:
        """Whether the trade is closed at the rail (no longer payable)."""

    def forge(self, notification: Notification) -> Notification:
        """The same notification, signed with a key that is not the provider's."""

    def stale(self, ref: str) -> Notification | None:
        """A success notification outside the rail's signed freshness window, or None when
        the rail signs no timestamp (the test is then skipped for it)."""

    def accepted(self, response: httpx.Response) -> bool:
        """Whether our webhook's answer means "taken, stop delivering" in the rail's protocol."""
