"""What a payment's rail has given back: a refund's fact (mall.payments.apply_fact's gate, the
order's row held) recorded in `Payment.refunded_fen`, so a refund we ask for later is for what
remains (a partial refund made in the rail's dashboard first: asking for the whole was refused).

The rails state it two ways. Alipay (`refund_fee`) and Stripe (`amount_refunded`) state the
trade's running total: the record keeps the largest seen, whatever the order of delivery.
WeChat Pay states each refund's own amount (`refund_fen`): the record adds it once per refund
id, however many notices or answers tell of it (review: two partial refunds read as totals
would understate what was refunded). A refund that leaves nothing is the whole refund, even
when each of its facts states a part: the payment becomes REFUNDED (the order too when this
payment paid it: a dashboard refund refunds it; money that paid nothing, a second payment or
late money, is refunded alone), and the exceptions left open about its refund are resolved by
the system (mall.payment_exceptions.settle); one a person had settled offline already opens
REFUNDED_TWICE (the member may have been paid back twice). Each refund is counted here, at
its final state, after the fact's commit (mall.money_counts).
"""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from unionhub.mall import money_audit, orders, payment_exceptions, sales_summary
from unionhub.mall.models import (
    Order,
    OrderEvent,
    OrderStatus,
    Payment,
    PaymentStatus,
    ProviderEvent,
)
from unionhub.mall.money_counts import AfterCommit, Counted
from unionhub.mall.providers.base import PaymentFact


async def remaining(payment: Payment) -> int:
    """What a refund asked for now gives back: what the rail took, less what it has given
    back as far as we were told."""
    return max(0, await money_audit.taken(payment) - payment.refunded_fen)


async def _record(payment: Payment, fact: PaymentFact, taken: int) -> bool:
    """Add the fact to the payment's record; False when it told nothing new."""
    rows = Payment.filter(id=payment.id)
    if fact.full_refund:
        return bool(await rows.filter(refunded_fen__lt=taken).update(refunded_fen=taken))
    refund_id = fact.detail.get("refund_id") or fact.detail.get("out_refund_no")
    if fact.refund_fen is not None and refund_id:
        try:  # once per refund: the gate's table, keyed by the rail's refund id
            async with in_transaction():
                await ProviderEvent.create(provider=payment.provider,
                                           event_id=f"counted:{refund_id}"[:64],
                                           type="refund.counted")
        except IntegrityError:
            return False
        await rows.update(refunded_fen=F("refunded_fen") + fact.refund_fen)
        return True
    if fact.amount_fen is not None:
        return bool(await rows.filter(refunded_fen__lt=fact.amount_fen).update(
            refunded_fen=fact.amount_fen))
    return False


async def on_refunded(payment: Payment, fact: PaymentFact, after: AfterCommit) -> None:
    taken = await money_audit.taken(payment)
    current = await Payment.get(id=payment.id)  # (read under the order's lock)
    before = current.refunded_fen
    # Only the payment that paid the order refunds it: money that paid nothing (a second
    # payment of a paid order, late money) is refunded alone.
    paid_the_order = current.status == PaymentStatus.SUCCEEDED
    # A sold order's sales are less what its payment gave back (mall.sales_summary): its
    # amounts are taken out of the summary before the record moves and put back after.
    sold = (await Order.get(id=payment.order_id)).status in sales_summary.SOLD
    if sold:
        await sales_summary.record(payment.order_id, -1)
    told = await _record(payment, fact, taken)
    total = (await Payment.get(id=payment.id)).refunded_fen
    if not fact.full_refund and total < taken:
        if sold:
            await sales_summary.record(payment.order_id, 1)
        if told:  # a partial refund has no status to move: its rows once per refund
            # Money given back in the rail's portal is money refunded: counted as told, so a
            # refund of what remains counts only that (below).
            after.counted.append(_counted(payment, total - before))
            await OrderEvent.create(order_id=payment.order_id, kind="PARTIAL_REFUND_AT_PROVIDER",
                                    detail={"payment_id": payment.id, "refunded_fen": total})
            await money_audit.refunded(payment, None, fact, full=False,
                                       refunded_total_fen=total, order_refunded=False)
        return
    # Out of order, the refund may arrive before the success it undoes: the payment is then
    # REFUNDED already and the late success no longer moves it (nor pays the order).
    moved = await Payment.filter(id=payment.id).exclude(status=PaymentStatus.REFUNDED).update(
        status=PaymentStatus.REFUNDED)
    if sold:  # back as the order stands (refunding it below takes it out whole)
        await sales_summary.record(payment.order_id, 1)
    if not moved:
        return
    order = await Order.get(id=payment.order_id)
    # A refund made in the provider's dashboard also refunds the order; a refunded late
    # payment leaves its order as it is (cancelled, or paid by another payment).
    order_refunded = paid_the_order and await orders.mark_refunded(
        order, None, "REFUNDED_BY_PROVIDER")
    # The refund's final state: counted once, after the commit. Money that paid nothing (a
    # second payment, late money, a wrong amount) is not counted, as its coming was not.
    kind = "REFUNDED_BY_PROVIDER" if order_refunded else "REFUNDED" if (
        order.status == OrderStatus.REFUNDED and order.payment_method == payment.method) else None
    if kind is not None:
        after.counted.append(_counted(payment, max(0, taken - before), kind))
    if not order_refunded:
        await OrderEvent.create(order_id=order.id, kind="PAYMENT_REFUNDED",
                                detail={"payment_id": payment.id})
    await money_audit.refunded(payment, order, fact, full=True, refunded_total_fen=taken,
                               order_refunded=order_refunded)
    await payment_exceptions.flag_refund_after_offline(payment, max(0, taken - before))
    await payment_exceptions.settle(payment, "the refund landed at the rail")


def _counted(payment: Payment, fen: int, order_kind: str | None = None) -> Counted:
    """Another currency's figures are no fen: its money is not counted."""
    return Counted("refunded", payment.method.value,
                   fen if payment.paid_currency is None else 0, order_kind)
