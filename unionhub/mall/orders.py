"""Orders' state machine (docs/domain.md); placing one is mall.placing.

PENDING_PAYMENT → PAID → SHIPPED → COMPLETED; PENDING_PAYMENT → CANCELLED (by the member, or
after 30 minutes unpaid) releases stock and voucher; PAID/SHIPPED/COMPLETED → REFUNDED.
Every transition is one conditional UPDATE on the current status, so of two racing changes
exactly one happens, and its side effects (stock, voucher) happen exactly once with it.
Lock order: the order row before its payment rows (`lock_before_payment`), so a change
started from a person (refund, cancel, approval) and one from the rail never deadlock.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import NoReturn

from tortoise.expressions import F
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.db import is_postgres
from unionhub.errors import (
    AccessDenied,
    Conflict,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from unionhub.identity import audit
from unionhub.identity.access import Principal, path_in_scope, require_authenticated, require_scope
from unionhub.identity.crypto import open_personal
from unionhub.mall import sales_summary, sql, withdrawals
from unionhub.mall.access import is_mall_manager
from unionhub.mall.models import (
    Order,
    OrderEvent,
    OrderItem,
    OrderKind,
    OrderStatus,
    Payment,
    PaymentMethod,
    Sku,
    Voucher,
    VoucherStatus,
)
from unionhub.observability import metrics
from unionhub.plaintext import check_plain


def address_owner(member_id: int, idempotency_key: str) -> str:
    """What an order's address ciphertext is bound to: the order's unique key, known before
    its row is written (identity.crypto; mall/encrypted.py names the same columns)."""
    return f"{member_id}/{idempotency_key}"


def address_of(order: Order) -> Address:
    """PERSONAL_DATA_UNREADABLE for an address moved from another order, or altered."""
    return Address(**json.loads(open_personal(
        order.address_enc, "mall_address", address_owner(order.member_id, order.idempotency_key),
        subject=f"order {order.id}")))


async def record_event(order_id: int, kind: str, actor_id: int | None, from_status: str | None,
                       to_status: str | None, **detail: object) -> None:
    await OrderEvent.create(order_id=order_id, kind=kind, actor_id=actor_id,
                            from_status=from_status, to_status=to_status, detail=detail)


@dataclass(frozen=True)
class Address:
    recipient: str
    phone: str
    region_code: str
    detail: str


async def get_order(order_id: int) -> Order:
    order = await Order.get_or_none(id=order_id)
    if order is None:
        raise NotFound("order not found", field="orderId")
    return order


def can_view(principal: Principal, order: Order) -> bool:
    return order.member_id == principal.member_id or path_in_scope(principal, order.union_path)


async def visible_order(principal: Principal, order_id: int) -> Order | None:
    """The buyer's, or a cadre's whose scope holds the order's union; None otherwise (whether
    it exists is not told)."""
    require_authenticated(principal)
    order = await Order.get_or_none(id=order_id)
    return order if order is not None and can_view(principal, order) else None


def member_orders(member_id: int) -> QuerySet[Order]:
    return Order.filter(member_id=member_id)


def subtree_orders(principal: Principal, union_path: str, status: OrderStatus | None = None,
                   kind: OrderKind | None = None) -> QuerySet[Order]:
    """Orders of a union's subtree, for a cadre whose scope holds it (support, shipping; with
    kind UNION_BULK and status PENDING_PAYMENT, the bulk orders awaiting approval)."""
    require_scope(principal, union_path)
    qs = Order.filter(union_path__startswith=union_path)
    if status is not None:
        qs = qs.filter(status=status)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs


async def transition(order: Order, allowed: tuple[OrderStatus, ...], to: OrderStatus,
                      kind: str, actor_id: int | None, **changes: object) -> bool:
    """The conditional status change; True when this call made it. Call inside a transaction
    together with the change's side effects."""
    was_sold = {s in sales_summary.SOLD for s in allowed}
    if len(was_sold) != 1:  # (the summary's sign would depend on the row's status)
        raise ValueError("a transition's allowed statuses are all sold or all unsold")
    moved = await Order.filter(id=order.id, status__in=allowed).update(status=to, **changes)
    if moved:
        # With one allowed status the row was in exactly that one, whatever `order` says.
        before = allowed[0] if len(allowed) == 1 else order.status
        await record_event(order.id, kind, actor_id, before.value, to.value)
        # Into or out of "sold": the report's summary moves with the status, in its transaction.
        if was_sold.pop() != (to in sales_summary.SOLD):
            await sales_summary.record(order.id, 1 if to in sales_summary.SOLD else -1)
    return bool(moved)


async def lock_before_payment(order_id: int) -> None:
    """Hold the order row (PostgreSQL) before a payment row of it is changed, in the caller's
    transaction. A person's refund or cancel changes the order, then its payment; a rail's
    fact changed the payment, then the order: the two deadlocked (one killed). FOR NO KEY
    UPDATE is what a status UPDATE takes, so inserts naming the order (events) still pass.
    SQLite runs one writer at a time."""
    if is_postgres():
        await sql.rows("SELECT id FROM mall_orders WHERE id = ? FOR NO KEY UPDATE", [order_id])


async def fail_transition(order: Order, action: str) -> NoReturn:
    current = await Order.get(id=order.id)
    raise InvalidTransition(f"cannot {action} an order that is {current.status.value}",
                            field="orderId")


async def release_stock(order: Order) -> None:
    """Give back stock and voucher of an order that is leaving PENDING_PAYMENT or PAID
    unshipped. Only ever called right after the transition that made it so."""
    for item in await OrderItem.filter(order_id=order.id).order_by("sku_id"):
        await Sku.filter(id=item.sku_id).update(stock=F("stock") + item.quantity)


async def _release_voucher(order: Order) -> None:
    """The order's voucher back to AVAILABLE (EXPIRED if its validity ended meanwhile, VOID
    if its holder left the campaign's scope meanwhile: withdrawn as leaving withdraws)."""
    if order.voucher_id is None:
        return
    locked = Voucher.filter(id=order.voucher_id, order_id=order.id, status=VoucherStatus.LOCKED)
    await locked.filter(valid_until__lte=utcnow()).update(status=VoucherStatus.EXPIRED,
                                                          order_id=None)
    if not await withdrawals.holder_keeps(order.voucher_id, order.member_id):
        if await locked.update(status=VoucherStatus.VOID, order_id=None):
            await audit.record(audit.VOUCHER_WITHDRAW, actor_id=None, subject_type="member",
                               subject_id=order.member_id,
                               detail={"voucher_ids": [order.voucher_id], "order_id": order.id})
        return
    await locked.update(status=VoucherStatus.AVAILABLE, order_id=None)


async def cancel(order: Order, actor_id: int | None, reason: str) -> bool:
    async with in_transaction():
        if not await transition(order, (OrderStatus.PENDING_PAYMENT,), OrderStatus.CANCELLED,
                                 f"CANCELLED_{reason}", actor_id, cancelled_at=utcnow()):
            return False
        await release_stock(order)
        await _release_voucher(order)
    metrics.ORDERS_CANCELLED.add(1, {"reason": reason})
    return True


def voucher_withdrawn() -> Conflict:
    return Conflict("this order's voucher was withdrawn when you left the issuing union's "
                    "scope; the order is cancelled", field="orderId", code="VOUCHER_WITHDRAWN")


async def check_voucher_kept(order: Order, method: PaymentMethod | None) -> None:
    """Paying re-checks the order's voucher (placing checked it): its holder may have left the
    campaign's scope since, and leaving withdraws only unlocked vouchers. Such an order is
    cancelled, its voucher withdrawn as leaving withdraws (`_release_voucher`), and the payment
    refused; the member places it again, without the voucher, at its full price. This read,
    before any rail is asked, spares a trade; `voucher_kept_at_start` decides."""
    if await _kept(order, method):
        return
    await cancel(order, order.member_id, "VOUCHER_WITHDRAWN")
    raise voucher_withdrawn()


async def voucher_kept_at_start(order: Order, method: PaymentMethod | None) -> bool:
    """Call in the transaction that records the payment's start (its row, or the order PAID
    when nothing is collected), and if False cancel the order there (`cancel`, reason
    VOUCHER_WITHDRAWN) and raise `voucher_withdrawn()` after it commits. Holds the order's row,
    then its holder's (`holder_keeps`, FOR SHARE): a leave or transfer committed before is seen;
    one coming later waits, then finds the voucher LOCKED by an order whose payment is under
    way, which keeps it. Order row before member row, as a cancel's release takes them; leaving
    takes the member's row and never an order's."""
    await lock_before_payment(order.id)
    return await _kept(order, method)


async def _kept(order: Order, method: PaymentMethod | None) -> bool:
    """Whether paying by `method` (None: nothing to collect) may go on with the voucher. A
    payment row by that method means its trade was started, under these locks, while the holder
    was in scope: a retried payOrder asks the rail for the same trade, which keeps the voucher
    as the first call's did (the retry cancelled an order whose trade was open: a review)."""
    if order.voucher_id is None:
        return True
    if method is not None and await Payment.filter(order_id=order.id, method=method).exists():
        return True
    return await withdrawals.holder_keeps(order.voucher_id, order.member_id)


async def cancel_order(principal: Principal, order_id: int) -> Order:
    member_id = require_authenticated(principal)
    order = await get_order(order_id)
    if order.kind == OrderKind.UNION_BULK:
        from unionhub.mall import union_funds  # builds on this module

        cancelled = await union_funds.cancel_bulk_order(principal, order)
    elif order.member_id != member_id:
        raise NotFound("order not found", field="orderId")
    else:
        cancelled = await cancel(order, member_id, "BY_MEMBER")
    if not cancelled:
        await fail_transition(order, "cancel")
    return await get_order(order_id)


async def cancel_expired_orders(limit: int = 500) -> int:
    """Periodic: cancel orders unpaid after the payment window. Safe on several workers at
    once: each cancel is conditional, so stock and voucher come back exactly once."""
    due = await Order.filter(status=OrderStatus.PENDING_PAYMENT, expires_at__lte=utcnow()) \
        .order_by("expires_at").limit(limit)
    cancelled = 0
    for order in due:
        cancelled += await cancel(order, None, "TIMEOUT")
    return cancelled


async def mark_paid(order: Order, actor_id: int | None, method: str) -> bool:
    """PENDING_PAYMENT → PAID with the voucher spent. Call inside a transaction; the caller
    counts it once that commits (mall.money_counts)."""
    if not await transition(order, (OrderStatus.PENDING_PAYMENT,), OrderStatus.PAID, "PAID",
                             actor_id, paid_at=utcnow(), payment_method=method):
        return False
    if order.voucher_id is not None:
        await Voucher.filter(id=order.voucher_id, order_id=order.id,
                             status=VoucherStatus.LOCKED).update(status=VoucherStatus.USED,
                                                                 used_at=utcnow())
    return True


async def ship_order(principal: Principal, order_id: int, tracking_no: str) -> Order:
    member_id = require_authenticated(principal)
    # The staff check comes before the lookup: a refusal that followed it would tell any
    # cadre which order ids exist (FORBIDDEN) and which do not (NOT_FOUND).
    if not is_mall_manager(principal):
        raise AccessDenied("only the mall's operating org ships orders")
    order = await get_order(order_id)
    tracking_no = tracking_no.strip()
    if not 4 <= len(tracking_no) <= 40:
        raise ValidationFailed("tracking number must be 4–40 characters", field="trackingNo",
                               code="TRACKING_NO_FORMAT")
    check_plain(tracking_no, "trackingNo")
    async with in_transaction():
        moved = await transition(order, (OrderStatus.PAID,), OrderStatus.SHIPPED, "SHIPPED",
                                  member_id, shipped_at=utcnow(), tracking_no=tracking_no)
    if not moved:
        await fail_transition(order, "ship")
    return await get_order(order_id)


async def confirm_receipt(principal: Principal, order_id: int) -> Order:
    member_id = require_authenticated(principal)
    order = await get_order(order_id)
    if order.member_id != member_id:
        raise NotFound("order not found", field="orderId")
    async with in_transaction():
        moved = await transition(order, (OrderStatus.SHIPPED,), OrderStatus.COMPLETED,
                                  "COMPLETED", member_id, completed_at=utcnow())
    if not moved:
        await fail_transition(order, "confirm receipt of")
    return await get_order(order_id)


REFUNDABLE = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED)


async def mark_refunded(order: Order, actor_id: int | None, kind: str = "REFUNDED", *,
                        after_shipping: bool = True) -> bool:
    """PAID (or, when allowed, SHIPPED/COMPLETED) → REFUNDED. Unshipped goods go back to
    stock, decided by which conditional update succeeded, not by a status read earlier (the
    order may have shipped meanwhile). The voucher stays spent (vouchers cannot be cashed
    out). Counted when its money is back, not here (mall.money_counts). Call inside a
    transaction."""
    now = utcnow()
    if await transition(order, (OrderStatus.PAID,), OrderStatus.REFUNDED, kind, actor_id,
                         refunded_at=now):
        await release_stock(order)
        return True
    if not after_shipping:
        return False
    return await transition(order, (OrderStatus.SHIPPED, OrderStatus.COMPLETED),
                            OrderStatus.REFUNDED, kind, actor_id, refunded_at=now)


def check_refund_allowed(principal: Principal, order: Order) -> None:
    """The buyer may refund a paid order before it ships; the mall's operating staff may
    refund it later too (after a return). Other cadres only see orders, they do not refund."""
    member_id = require_authenticated(principal)
    staff = is_mall_manager(principal)
    if order.member_id != member_id and not staff:
        raise NotFound("order not found", field="orderId")
    if order.status not in REFUNDABLE:
        raise InvalidTransition(f"cannot refund an order that is {order.status.value}",
                                field="orderId")
    if order.status != OrderStatus.PAID and not staff:
        raise InvalidTransition("a shipped order is refunded by the mall's service staff",
                                field="orderId", code="REFUND_NEEDS_STAFF")
