"""Orders: placing one in a single transaction, and the state machine of DOMAIN.md.

PENDING_PAYMENT → PAID → SHIPPED → COMPLETED; PENDING_PAYMENT → CANCELLED (by the member, or
after 30 minutes unpaid) releases stock and voucher; PAID/SHIPPED/COMPLETED → REFUNDED.
Every transition is one conditional UPDATE on the current status, so of two racing changes
exactly one happens, and its side effects (stock, voucher) happen exactly once with it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import NoReturn

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.db import conn, is_postgres
from unionhub.errors import (
    AccessDenied,
    Conflict,
    DomainError,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from unionhub.identity.access import Principal, path_in_scope, require_authenticated
from unionhub.identity.crypto import decrypt, encrypt
from unionhub.identity.lookup import MemberRecord, get_record
from unionhub.identity.orgs import get_union
from unionhub.identity.realname import validate_phone
from unionhub.mall import sql
from unionhub.mall.access import is_mall_manager
from unionhub.mall.models import (
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    Sku,
    Voucher,
    VoucherStatus,
)

PAYMENT_WINDOW = timedelta(minutes=30)
MAX_LINES = 20
MAX_QUANTITY = 99
_KEY_RE = re.compile(r"^[A-Za-z0-9_\-:.]{8,64}$")
_REGION_RE = re.compile(r"^\d{6}$")
_MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class ItemSpec:
    sku_id: int
    quantity: int


@dataclass(frozen=True)
class Address:
    recipient: str
    phone: str
    region_code: str
    detail: str


def _check_address(a: Address) -> Address:
    recipient, detail = a.recipient.strip(), a.detail.strip()
    if not 1 <= len(recipient) <= 40:
        raise ValidationFailed("recipient must be 1–40 characters", field="address.recipient",
                               code="RECIPIENT_FORMAT")
    try:
        phone = validate_phone(a.phone)
    except ValidationFailed as e:
        raise ValidationFailed(e.message, field="address.phone", code=e.code) from None
    if not _REGION_RE.match(a.region_code):
        raise ValidationFailed("region code must be 6 digits", field="address.regionCode",
                               code="REGION_CODE_FORMAT")
    if not 2 <= len(detail) <= 200:
        raise ValidationFailed("address detail must be 2–200 characters", field="address.detail",
                               code="ADDRESS_FORMAT")
    return Address(recipient, phone, a.region_code, detail)


def _merge_items(items: list[ItemSpec]) -> dict[int, int]:
    if not 1 <= len(items) <= MAX_LINES:
        raise ValidationFailed(f"an order has 1–{MAX_LINES} lines", field="items",
                               code="ITEM_COUNT")
    merged: dict[int, int] = {}
    for index, item in enumerate(items):  # `field` names the line: items[2].quantity
        merged[item.sku_id] = merged.get(item.sku_id, 0) + item.quantity
        if not 1 <= item.quantity <= MAX_QUANTITY or merged[item.sku_id] > MAX_QUANTITY:
            raise ValidationFailed(f"quantity must be 1–{MAX_QUANTITY}",
                                   field=f"items[{index}].quantity", code="QUANTITY_OUT_OF_RANGE")
        if not 0 < item.sku_id <= _MAX_ID:  # no row has it (nor does a bigint hold it)
            raise NotFound("SKU not found", field=f"items[{index}].skuId", code="SKU_NOT_FOUND")
    return merged


def address_of(order: Order) -> Address:
    return Address(**json.loads(decrypt(order.address_enc, "mall_address")))


async def _event(order_id: int, kind: str, actor_id: int | None, from_status: str | None,
                 to_status: str | None, **detail: object) -> None:
    await OrderEvent.create(order_id=order_id, kind=kind, actor_id=actor_id,
                            from_status=from_status, to_status=to_status, detail=detail)


@dataclass(frozen=True)
class _Line:
    """One SKU line of an order, with what the order item and a voucher need to know."""
    sku_id: int
    quantity: int
    price_fen: int
    name: str
    product_id: int
    category_id: int
    supplier_id: int
    supplier_region: str
    certified: bool

    @property
    def line_fen(self) -> int:
        return self.price_fen * self.quantity


def _sku_field(items: list[ItemSpec], sku_id: int) -> str:
    """The input path of the first line asking for `sku_id` (items[2].skuId)."""
    index = next((i for i, item in enumerate(items) if item.sku_id == sku_id), None)
    return "items.skuId" if index is None else f"items[{index}].skuId"


async def _lines(wanted: dict[int, int], items: list[ItemSpec]) -> list[_Line]:
    """The order's lines in SKU id order (the order their stock rows are locked in)."""
    found = {r["id"]: r for r in await sql.rows(sql.SKU_LINES.format(marks=sql.marks(len(wanted))),
                                                  list(wanted))}
    lines = []
    for sku_id, quantity in sorted(wanted.items()):
        row = found.get(sku_id)
        if row is None or not row["active"]:
            raise NotFound("SKU not found", field=_sku_field(items, sku_id), code="SKU_NOT_FOUND")
        lines.append(_Line(sku_id, quantity, row["price_fen"],
                           f"{row['product_name']} {row['name']}"[:170], row["product_id"],
                           row["category_id"], row["supplier_id"], row["region_code"],
                           bool(row["certified"])))
    return lines


async def place_order(principal: Principal, *, items: list[ItemSpec], address: Address,
                      idempotency_key: str, voucher_id: int | None = None,
                      for_union_id: int | None = None,
                      record: MemberRecord | None = None) -> Order:
    """Reserve stock, lock the voucher and write the order in one transaction. The same
    idempotency key returns the member's existing order (the unique key decides races).
    `record`: the buyer's member record when the caller has it already."""
    member_id = require_authenticated(principal)
    key = idempotency_key.strip()
    if not _KEY_RE.match(key):
        raise ValidationFailed("idempotency key must be 8–64 letters, digits or _-:.",
                               field="idempotencyKey", code="IDEMPOTENCY_KEY_FORMAT")
    try:
        return await _place(principal, member_id, key, items, address, voucher_id,
                            for_union_id, record)
    except (DomainError, IntegrityError):
        # A replayed key gets the member's existing order whatever else it says. Looked up
        # only when placing fails: a replay always does (at the latest on the unique key), so
        # a new order costs no look-up beforehand.
        existing = await Order.get_or_none(member_id=member_id, idempotency_key=key)
        if existing is None:
            raise
        return existing


async def _place(principal: Principal, member_id: int, key: str, items: list[ItemSpec],
                 address: Address, voucher_id: int | None, for_union_id: int | None,
                 record: MemberRecord | None) -> Order:
    wanted = _merge_items(items)
    address = _check_address(address)
    if record is None or record.id != member_id:
        record = await get_record(member_id)
    if record is None:
        raise NotFound("member not found")
    union_id, union_path = await _buyer_union(principal, record, for_union_id)
    now = utcnow()
    order = Order(member_id=member_id, union_id=union_id, union_path=union_path,
                  status=OrderStatus.PENDING_PAYMENT, voucher_id=voucher_id,
                  idempotency_key=key,
                  address_enc=encrypt(json.dumps(address.__dict__, ensure_ascii=False),
                                      "mall_address"),
                  address_region=address.region_code, expires_at=now + PAYMENT_WINDOW,
                  created_at=now)
    if voucher_id is None and len(wanted) == 1 and is_postgres():
        if await _write_one_line_pg(order, *next(iter(wanted.items()))):
            return order
        await _lines(wanted, items)  # no row written: SKU_NOT_FOUND if that is why
        raise Conflict("not enough stock", field="items", code="OUT_OF_STOCK")
    lines = await _lines(wanted, items)
    order.subtotal_fen = sum(line.line_fen for line in lines)
    voucher, order.discount_fen = None, 0
    if voucher_id is not None:
        voucher, order.discount_fen = await _check_voucher(voucher_id, member_id,
                                                           record.union_path, lines)
    order.payable_fen = order.subtotal_fen - order.discount_fen
    await _write(order, lines, voucher)
    return order


async def _write_one_line_pg(order: Order, sku_id: int, quantity: int) -> bool:
    found = await conn().execute_query_dict(sql.PLACE_ONE_LINE_PG, [
        quantity, sku_id, order.member_id, order.union_id, order.union_path,
        order.status.value, order.idempotency_key, order.address_enc, order.address_region,
        order.expires_at, order.created_at, json.dumps({"voucher_id": None})])
    if not found:
        return False
    order.id, order.subtotal_fen = found[0]["id"], found[0]["subtotal_fen"]
    order.discount_fen, order.payable_fen = 0, order.subtotal_fen
    order._saved_in_db = True
    return True


async def _write(order: Order, lines: list[_Line], voucher: Voucher | None) -> None:
    async with in_transaction():
        # The order row first: a concurrent duplicate key waits here, then fails, before it
        # has touched any stock.
        await order.save()
        # SKU rows in id order, so two multi-line orders never deadlock.
        for line in lines:
            reserved = await Sku.filter(id=line.sku_id, stock__gte=line.quantity).update(
                stock=F("stock") - line.quantity)
            if not reserved:
                raise Conflict("not enough stock", field="items", code="OUT_OF_STOCK")
        if voucher is not None:
            locked = await Voucher.filter(
                id=voucher.id, member_id=order.member_id, status=VoucherStatus.AVAILABLE,
            ).update(status=VoucherStatus.LOCKED, order_id=order.id)
            if not locked:
                raise Conflict("this voucher is not available", field="voucherId",
                               code="VOUCHER_NOT_AVAILABLE")
        await OrderItem.bulk_create([
            OrderItem(order_id=order.id, sku_id=line.sku_id, product_id=line.product_id,
                      supplier_id=line.supplier_id, supplier_region=line.supplier_region,
                      certified=line.certified, name=line.name, unit_price_fen=line.price_fen,
                      quantity=line.quantity, line_fen=line.line_fen)
            for line in lines
        ])
        await _event(order.id, "PLACED", order.member_id, None,
                     OrderStatus.PENDING_PAYMENT.value,
                     voucher_id=voucher.id if voucher else None)


async def _buyer_union(principal: Principal, record: MemberRecord,
                       for_union_id: int | None) -> tuple[int, str]:
    if for_union_id is not None:
        # 工会经费集采: a cadre buys for the members of a union in scope.
        union = await get_union(for_union_id)
        if not path_in_scope(principal, union.path):
            raise AccessDenied("this union is outside your scope")
        return union.id, union.path
    return record.union_id, record.union_path


def _eligible(voucher: Voucher, line: _Line) -> bool:
    campaign = voucher.campaign
    if campaign.certified_only and not line.certified:
        return False
    return campaign.category_id is None or line.category_id == campaign.category_id


async def _check_voucher(voucher_id: int, member_id: int, member_union_path: str,
                         lines: list[_Line]) -> tuple[Voucher, int]:
    voucher = await Voucher.get_or_none(id=voucher_id, member_id=member_id) \
        .select_related("campaign")
    if voucher is None:
        raise NotFound("voucher not found", field="voucherId", code="VOUCHER_NOT_FOUND")
    if voucher.status != VoucherStatus.AVAILABLE:
        raise Conflict("this voucher is not available", field="voucherId",
                       code="VOUCHER_NOT_AVAILABLE")
    if not member_union_path.startswith(voucher.campaign.org_path):
        # The member has left the campaign's scope (a transfer): the voucher is withdrawn.
        await Voucher.filter(id=voucher.id, status=VoucherStatus.AVAILABLE).update(
            status=VoucherStatus.VOID)
        raise Conflict("this voucher was withdrawn when you left the issuing union's scope",
                       field="voucherId", code="VOUCHER_WITHDRAWN")
    if voucher.valid_until <= utcnow():
        raise Conflict("this voucher has expired", field="voucherId", code="VOUCHER_EXPIRED")
    eligible = sum(line.line_fen for line in lines if _eligible(voucher, line))
    if eligible == 0:
        raise Conflict("no item in this order qualifies for the voucher", field="voucherId",
                       code="VOUCHER_NOT_APPLICABLE")
    # 满减: the threshold is checked against the (qualifying) subtotal.
    if eligible < voucher.campaign.threshold_fen:
        raise Conflict("the order does not reach the voucher's threshold", field="voucherId",
                       code="VOUCHER_THRESHOLD_NOT_MET")
    return voucher, min(voucher.campaign.face_value_fen, eligible)


async def get_order(order_id: int) -> Order:
    order = await Order.get_or_none(id=order_id)
    if order is None:
        raise NotFound("order not found", field="orderId")
    return order


def can_view(principal: Principal, order: Order) -> bool:
    return order.member_id == principal.member_id or path_in_scope(principal, order.union_path)


async def _transition(order: Order, allowed: tuple[OrderStatus, ...], to: OrderStatus,
                      kind: str, actor_id: int | None, **changes: object) -> bool:
    """The conditional status change; True when this call made it. Call inside a transaction
    together with the change's side effects."""
    moved = await Order.filter(id=order.id, status__in=allowed).update(status=to, **changes)
    if moved:
        # With one allowed status the row was in exactly that one, whatever `order` says.
        before = allowed[0] if len(allowed) == 1 else order.status
        await _event(order.id, kind, actor_id, before.value, to.value)
    return bool(moved)


async def fail_transition(order: Order, action: str) -> NoReturn:
    current = await Order.get(id=order.id)
    raise InvalidTransition(f"cannot {action} an order that is {current.status.value}",
                            field="orderId")


async def _release(order: Order) -> None:
    """Give back stock and voucher of an order that is leaving PENDING_PAYMENT or PAID
    unshipped. Only ever called right after the transition that made it so."""
    for item in await OrderItem.filter(order_id=order.id).order_by("sku_id"):
        await Sku.filter(id=item.sku_id).update(stock=F("stock") + item.quantity)


async def _release_voucher(order: Order) -> None:
    """The order's voucher back to AVAILABLE (EXPIRED if its validity ended meanwhile)."""
    if order.voucher_id is None:
        return
    locked = Voucher.filter(id=order.voucher_id, order_id=order.id, status=VoucherStatus.LOCKED)
    await locked.filter(valid_until__lte=utcnow()).update(status=VoucherStatus.EXPIRED,
                                                          order_id=None)
    await locked.update(status=VoucherStatus.AVAILABLE, order_id=None)


async def cancel(order: Order, actor_id: int | None, reason: str) -> bool:
    async with in_transaction():
        if not await _transition(order, (OrderStatus.PENDING_PAYMENT,), OrderStatus.CANCELLED,
                                 f"CANCELLED_{reason}", actor_id, cancelled_at=utcnow()):
            return False
        await _release(order)
        await _release_voucher(order)
    return True


async def cancel_order(principal: Principal, order_id: int) -> Order:
    member_id = require_authenticated(principal)
    order = await get_order(order_id)
    if order.member_id != member_id:
        raise NotFound("order not found", field="orderId")
    if not await cancel(order, member_id, "BY_MEMBER"):
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
    """PENDING_PAYMENT → PAID with the voucher spent. Call inside a transaction."""
    if not await _transition(order, (OrderStatus.PENDING_PAYMENT,), OrderStatus.PAID, "PAID",
                             actor_id, paid_at=utcnow(), payment_method=method):
        return False
    if order.voucher_id is not None:
        await Voucher.filter(id=order.voucher_id, order_id=order.id,
                             status=VoucherStatus.LOCKED).update(status=VoucherStatus.USED,
                                                                 used_at=utcnow())
    return True


async def ship_order(principal: Principal, order_id: int, tracking_no: str) -> Order:
    member_id = require_authenticated(principal)
    order = await get_order(order_id)
    if not is_mall_manager(principal):
        raise AccessDenied("only the mall's operating org ships orders")
    tracking_no = tracking_no.strip()
    if not 4 <= len(tracking_no) <= 40:
        raise ValidationFailed("tracking number must be 4–40 characters", field="trackingNo",
                               code="TRACKING_NO_FORMAT")
    async with in_transaction():
        moved = await _transition(order, (OrderStatus.PAID,), OrderStatus.SHIPPED, "SHIPPED",
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
        moved = await _transition(order, (OrderStatus.SHIPPED,), OrderStatus.COMPLETED,
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
    out). Call inside a transaction."""
    now = utcnow()
    if await _transition(order, (OrderStatus.PAID,), OrderStatus.REFUNDED, kind, actor_id,
                         refunded_at=now):
        await _release(order)
        return True
    if not after_shipping:
        return False
    return await _transition(order, (OrderStatus.SHIPPED, OrderStatus.COMPLETED),
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
