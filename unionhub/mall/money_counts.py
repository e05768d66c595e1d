"""Money counted once, at its final state, after the transaction that records it commits:
`unionhub.mall.orders.paid` and `.refunded` (by kind), and `unionhub.mall.payment.amount`
(direction paid or refunded, by method). A payment counts when it pays its order; a refund
when the rail has given the money back (the payment REFUNDED, or a part of it made in the
rail's portal told), or, for union funds, when the refund is made. refundOrder counted a
refund when it was asked for, so one the rail then ended failed counted as money given back;
a fact counted inside its transaction counted again when, rolled back, its notice was
delivered again; an approval refused after the order was marked paid (the budget short)
counted a paid order (reviews).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from unionhub.observability import metrics


@dataclass(frozen=True)
class Counted:
    direction: str  # "paid" or "refunded"
    method: str  # the payment's method (PaymentMethod's value)
    fen: int  # what moved (0: nothing counted, e.g. another currency's money)
    order_kind: str | None = None  # refunded: the order's refund (REFUNDED, ...) if any


def paid(method: str, fen: int) -> Counted:
    return Counted("paid", method, fen)


@dataclass
class AfterCommit:
    """What a fact's effects leave for after its transaction commits (mall.payments)."""

    to_refund: list[int] = field(default_factory=list)  # payments whose refund is to be asked
    counted: list[Counted] = field(default_factory=list)  # money to count


def count(moved: Iterable[Counted]) -> None:
    for one in moved:
        if one.direction == "paid":
            metrics.ORDERS_PAID.add(1, {"method": one.method})
        elif one.order_kind is not None:
            metrics.ORDERS_REFUNDED.add(1, {"kind": one.order_kind})
        if one.fen > 0:
            metrics.PAYMENT_AMOUNT.add(one.fen, {"direction": one.direction,
                                                 "method": one.method})
