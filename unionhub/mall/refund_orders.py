"""A member's or a mall manager's refund of a paid order (`refundOrder`): what remains of the
payment is asked of its rail (`payments.request_refund`, completed when the rail says so), or
returned at once for union funds. Apart from `payments`, which settles what the rails answer."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.errors import Conflict, ValidationFailed
from unionhub.identity import audit
from unionhub.identity.access import Principal
from unionhub.mall import money_counts, orders, refunded, union_funds
from unionhub.mall.access import is_mall_manager
from unionhub.mall.models import Order, OrderEvent, Payment, PaymentMethod, PaymentStatus
from unionhub.mall.payments import (
    MAX_REFUND_REASON,
    RECONCILE_AFTER,
    REFUND_WINDOW,
    request_refund,
)
from unionhub.plaintext import check_plain


async def refund_order(principal: Principal, order_id: int, reason: str | None) -> Order:
    """Refund a paid order: through its provider for online payments (completed when the
    provider says so), offline for union funds. The reason goes to the rail, which takes
    80 characters: a longer one was cut without a word, a NUL failed in the event's JSON."""
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_REFUND_REASON:
        raise ValidationFailed(f"a reason has at most {MAX_REFUND_REASON} characters",
                               field="reason", code="REASON_TOO_LONG")
    if reason is not None:
        check_plain(reason, "reason", lines=True)
    order = await orders.get_order(order_id)
    orders.check_refund_allowed(principal, order)
    payment = await Payment.filter(order_id=order.id, status=PaymentStatus.SUCCEEDED).first()
    if payment is None:
        raise Conflict("this order has no successful payment to refund", field="orderId",
                       code="NO_PAYMENT")
    window = REFUND_WINDOW.get(payment.method)
    if window is not None and payment.succeeded_at and utcnow() - payment.succeeded_at > window:
        raise Conflict("the refund window of this payment method has passed", field="orderId",
                       code="REFUND_WINDOW_PASSED")
    online = payment.provider not in ("union_funds", "none")
    async with in_transaction():
        # The order's row first, as a rail's fact takes it: a refund the rail tells now (its
        # portal's, in part) is recorded before or after this one, never read half-way.
        await orders.lock_before_payment(order.id)
        payment = await Payment.get(id=payment.id)
        # Events in the order they happen: the request, then the refund it makes.
        await OrderEvent.create(order_id=order.id, kind="REFUND_REQUESTED",
                                actor_id=principal.member_id,
                                detail={"reason": reason or ""})
        # What remains: a refund made in the rail's dashboard before is not asked again.
        asked_fen = await refunded.remaining(payment)
        if not await orders.mark_refunded(order, principal.member_id,
                                          after_shipping=is_mall_manager(principal)):
            await orders.fail_transition(order, "refund")
        new_status = PaymentStatus.REFUND_PENDING if online else PaymentStatus.REFUNDED
        await Payment.filter(id=payment.id, status=PaymentStatus.SUCCEEDED).update(
            status=new_status, refund_requested_at=utcnow(),
            next_check_at=utcnow() + RECONCILE_AFTER, check_count=0)
        if payment.method == PaymentMethod.UNION_FUNDS:
            await union_funds.return_spend(order, principal.member_id, "REFUNDED")
        await audit.record(audit.ORDER_REFUND, actor_id=principal.member_id,
                           subject_type="order", subject_id=order.id,
                           detail={"payment": payment.id, "method": payment.method.value,
                                   "amount_fen": asked_fen,
                                   "refunded_before_fen": payment.refunded_fen})
    if online:  # counted when the rail gives the money back (mall.money_counts)
        await request_refund(payment.id, reason)
    else:  # union funds: returned at once, final
        money_counts.count([money_counts.Counted("refunded", payment.method.value, asked_fen,
                                                 "REFUNDED")])
    return await orders.get_order(order.id)
