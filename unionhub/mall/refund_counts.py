"""Refunds counted once, at their final state (`unionhub.mall.orders.refunded` by kind, and
`unionhub.mall.payment.amount` direction=refunded by method): when the rail has given the
money back (the payment REFUNDED, or a part of it made in the rail's portal told), or, for
union funds, when the refund is made; and only after the transaction that records it has
committed. refundOrder counted a refund when it was asked for, so one the rail then ended
failed counted as money given back, and a fact counted inside its transaction counted again
when, rolled back, its notice was delivered again (a review).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from unionhub.observability import metrics


@dataclass(frozen=True)
class RefundCount:
    method: str  # the payment's method (PaymentMethod's value)
    fen: int  # what this refund gave back (0: nothing counted, e.g. another currency's money)
    order_kind: str | None = None  # the order's refund (REFUNDED, REFUNDED_BY_PROVIDER) if any


@dataclass
class AfterCommit:
    """What a fact's effects leave for after its transaction commits (mall.payments)."""

    to_refund: list[int] = field(default_factory=list)  # payments whose refund is to be asked
    refunds: list[RefundCount] = field(default_factory=list)  # refunds to count


def count(refunds: Iterable[RefundCount]) -> None:
    for refund in refunds:
        if refund.order_kind is not None:
            metrics.ORDERS_REFUNDED.add(1, {"kind": refund.order_kind})
        if refund.fen > 0:
            metrics.PAYMENT_AMOUNT.add(refund.fen, {"direction": "refunded",
                                                    "method": refund.method})
