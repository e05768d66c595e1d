"""Audit rows for money the SYSTEM moves on a rail's verified fact: a payment received, money
to give back (it came late, or in the wrong amount), a refund completed (ours, or made in the
provider's dashboard) or ended failed, and an exception opened for a person.

A person's money actions are audited where they act (refundOrder, union-funds approvals,
resolving an exception); these movements have no person behind them, and the order's events
(mall_order_events) were their only record. Each row is written in the transaction of the
movement (mall.payments.apply_fact, open_exception's savepoint), by the branch whose
conditional update made it, so a fact delivered twice, or under two ids, writes one row
(a partial refund made at the provider has no status to move: its row, like its order
event, is kept once per fact id).
The actor is None (the system) and `by` names the rail (Payment.provider). Details hold ids,
codes and amounts only: never the member's data, the provider's payload or a secret.
A payment settled without money (a voucher covered the order) moves none: not here.
"""

from __future__ import annotations

from typing import Any

from unionhub.identity import audit
from unionhub.mall.models import Order, Payment, PaymentException, PaymentExceptionKind
from unionhub.mall.providers.base import PaymentFact


async def _movement(action: str, payment: Payment, order: Order | None, **detail: Any) -> None:
    """Subject the order, union the buyer's (so auditLog's union filter finds every row),
    actor the system."""
    if order is None:
        order = await Order.get(id=payment.order_id)
    await audit.record(action, actor_id=None, subject_type="order", subject_id=payment.order_id,
                       union_id=order.union_id,
                       detail={"by": payment.provider, "payment_id": payment.id,
                               "order_id": payment.order_id, "method": payment.method.value,
                               **detail})


async def received(payment: Payment, order: Order, fact: PaymentFact) -> None:
    """The rail's money paid the order (PENDING_PAYMENT → PAID)."""
    await _movement(audit.PAYMENT_RECEIVED, payment, order, amount_fen=fact.amount_fen)


async def refund_due(payment: Payment, order: Order, fact: PaymentFact, reason: str) -> None:
    """Money that paid nothing is being given back: `reason` "amount" (not what the order
    asked; `currency` as the rail said) or the status of the order no longer awaiting it."""
    await _movement(audit.PAYMENT_REFUND_DUE, payment, order, reason=reason,
                    amount_fen=fact.amount_fen, currency=fact.currency or "cny",
                    expected_fen=payment.amount_fen)


async def refunded(payment: Payment, order: Order | None, fact: PaymentFact, *,
                   order_refunded: bool) -> None:
    """A refund completed at the rail. Every refund we ask for sets refund_requested_at
    (refundOrder, money to give back, an operator's retry) and is whole; a payment refunded
    without one, or in part, was refunded in the provider's dashboard.

    `refunded_total_fen` is the payment's refunded total once this refund is done, not this
    refund's own amount (the rails state totals, and partial refunds before a whole one are
    not ours to subtract): whole, the money the rail took (`_taken`); in part, the running
    total the rail's fact states (Alipay's refund_fee, Stripe's amount_refunded). WeChat Pay
    states only the refund's own amount: a partial one has `refund_fen` and no total.
    A payment's rows are read as a running total, never added up."""
    extra = {"refund_fen": fact.refund_fen} \
        if not fact.full_refund and fact.amount_fen is None and fact.refund_fen is not None else {}
    await _movement(audit.PAYMENT_REFUNDED, payment, order, full=fact.full_refund,
                    made_at_provider=not fact.full_refund or payment.refund_requested_at is None,
                    refunded_total_fen=(await _taken(payment) if fact.full_refund
                                        else fact.amount_fen),
                    order_refunded=order_refunded, **extra)


async def refund_failed(payment: Payment, code: str) -> None:
    """The rail ended our refund without the money going back (an exception opens too)."""
    await _movement(audit.PAYMENT_REFUND_FAILED, payment, None, code=code,
                    amount_fen=await _taken(payment))


async def _taken(payment: Payment) -> int | None:
    """What the rail took for the payment: what the order asked, unless the member paid
    another amount (then its AMOUNT_MISMATCH exception holds what was paid; the payment row
    keeps the amount asked)."""
    mismatch = await PaymentException.filter(
        payment_id=payment.id, kind=PaymentExceptionKind.AMOUNT_MISMATCH).first()
    return mismatch.amount_fen if mismatch is not None else payment.amount_fen


async def exception_opened(opened: PaymentException, amount_fen: int | None) -> None:
    """An exception opened for a person (by a fact, or by reconciliation: OPEN_TOO_LONG). The
    trade's reference only where no payment of ours names it (UNKNOWN_ORDER). `amount_fen` as
    the rail said, even one too large for the exception's own column."""
    detail: dict[str, Any] = {"by": opened.provider, "kind": opened.kind.value,
                              "payment_id": opened.payment_id, "order_id": opened.order_id,
                              "amount_fen": amount_fen}
    if opened.payment_id is None:
        detail["provider_ref"] = opened.provider_ref
    order = await Order.get_or_none(id=opened.order_id) if opened.order_id else None
    await audit.record(audit.PAYMENT_EXCEPTION_OPEN, actor_id=None,
                       subject_type="payment_exception", subject_id=opened.id, detail=detail,
                       union_id=order.union_id if order else None)
