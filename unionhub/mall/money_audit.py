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
Money a rail took in another currency (Payment.paid_currency) is no fen: its rows say
`currency` and name its figures without `_fen` (`amount`, `refunded_total`, `refund`).
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
    if payment.paid_currency is not None:  # (figures of what the rail took, in its currency)
        detail = {key.removesuffix("_fen") if key != "expected_fen" else key: value
                  for key, value in detail.items()} | {"currency": payment.paid_currency}
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
    asked), "currency" (another currency than cny: `amount` in its minor units) or the status
    of the order no longer awaiting it."""
    currency = (fact.currency or "cny")[:8]
    said = {"amount_fen": fact.amount_fen} if currency == "cny" else {"amount": fact.amount_fen}
    await _movement(audit.PAYMENT_REFUND_DUE, payment, order, reason=reason, **said,
                    currency=currency, expected_fen=payment.amount_fen)


async def refunded(payment: Payment, order: Order | None, fact: PaymentFact, *, full: bool,
                   refunded_total_fen: int, order_refunded: bool) -> None:
    """A refund completed at the rail. Every refund we ask for sets refund_requested_at
    (refundOrder, money to give back, an operator's retry) and gives back all that remains;
    a payment refunded without one, or in part, was refunded in the provider's dashboard.

    `refunded_total_fen` is the payment's refunded total once this refund is done, not this
    refund's own amount: our record (Payment.refunded_fen, mall/refunded.py), from the totals
    Alipay and Stripe state and, for WeChat Pay, which states each refund's own amount, their
    sum per refund. A partial row keeps that amount as `refund_fen` where the rail stated it.
    A payment's rows are read as a running total, never added up."""
    extra = {"refund_fen": fact.refund_fen} if not full and fact.refund_fen is not None else {}
    await _movement(audit.PAYMENT_REFUNDED, payment, order, full=full,
                    made_at_provider=not full or payment.refund_requested_at is None,
                    refunded_total_fen=refunded_total_fen, order_refunded=order_refunded,
                    **extra)


async def refund_failed(payment: Payment, code: str) -> None:
    """The rail ended our refund without the money going back (an exception opens too)."""
    await _movement(audit.PAYMENT_REFUND_FAILED, payment, None, code=code,
                    amount_fen=await taken(payment))


async def taken(payment: Payment) -> int:
    """What the rail took for the payment: what the order asked, unless the member paid
    another amount (then its AMOUNT_MISMATCH exception holds what was paid; the payment row
    keeps the amount asked) or in another currency (then the payment keeps what arrived, in
    that currency's minor units, as its refunds are told)."""
    if payment.paid_currency is not None and payment.paid_amount is not None:
        return int(payment.paid_amount)
    mismatch = await PaymentException.filter(
        payment_id=payment.id, kind=PaymentExceptionKind.AMOUNT_MISMATCH).first()
    said = mismatch.amount_fen if mismatch is not None else None
    return said if said is not None else payment.amount_fen  # (None: too large to keep)


async def exception_opened(opened: PaymentException, amount_fen: int | None,
                           currency: str = "cny") -> None:
    """An exception opened for a person (by a fact, or by reconciliation: OPEN_TOO_LONG). The
    trade's reference only where no payment of ours names it (UNKNOWN_ORDER). `amount_fen` as
    the rail said, even one too large for the exception's own column; in another currency,
    `amount` and `currency` (and no fen)."""
    detail: dict[str, Any] = {"by": opened.provider, "kind": opened.kind.value,
                              "payment_id": opened.payment_id, "order_id": opened.order_id,
                              "amount_fen": amount_fen if currency == "cny" else None}
    if currency != "cny":
        detail |= {"amount": amount_fen, "currency": currency}
    if opened.payment_id is None:
        detail["provider_ref"] = opened.provider_ref
    order = await Order.get_or_none(id=opened.order_id) if opened.order_id else None
    await audit.record(audit.PAYMENT_EXCEPTION_OPEN, actor_id=None,
                       subject_type="payment_exception", subject_id=opened.id, detail=detail,
                       union_id=order.union_id if order else None)
