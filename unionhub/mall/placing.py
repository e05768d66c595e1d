"""Placing an order: stock, voucher and amounts in one transaction, the same on both
backends (issue 23: one implementation, so a new rule is written once). A personal order is
the member's; an order with `for_union_id` is a union's bulk order (工会经费集采, UNION_BULK):
a cadre buys for a union in scope, with the bulk quantity limit, no voucher, and a payment
window long enough for a second cadre to approve its payment from union funds
(mall.union_funds).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NoReturn

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.errors import AccessDenied, Conflict, DomainError, NotFound, ValidationFailed
from unionhub.identity import audit
from unionhub.identity.access import Principal, path_in_scope, require_authenticated
from unionhub.identity.crypto import encrypt
from unionhub.identity.lookup import MemberRecord, get_record
from unionhub.identity.orgs import get_union
from unionhub.identity.realname import validate_phone
from unionhub.identity.roster import hold_open_account
from unionhub.mall import idempotency, sql
from unionhub.mall.models import (
    Order,
    OrderItem,
    OrderKind,
    OrderStatus,
    Voucher,
    VoucherStatus,
)
from unionhub.mall.orders import Address, address_owner, record_event
from unionhub.observability import metrics
from unionhub.plaintext import check_plain
from unionhub.settings import get_settings

PAYMENT_WINDOW = timedelta(minutes=30)
MAX_LINES = 20
MAX_QUANTITY = 99  # per SKU in a personal order; bulk orders: settings.union_bulk_max_quantity
_REGION_RE = re.compile(r"^\d{6}$")
_MAX_ID = 2**63 - 1
# The largest amount an order, its lines and its payment hold: 32-bit columns and GraphQL Int
# (¥21,474,836.47). A bulk order of 10,000 units at ¥2,500 is past it.
MAX_AMOUNT_FEN = 2**31 - 1


@dataclass(frozen=True)
class ItemSpec:
    sku_id: int
    quantity: int


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
    check_plain(recipient, "address.recipient")
    check_plain(detail, "address.detail")
    return Address(recipient, phone, a.region_code, detail)


def _merge_items(items: list[ItemSpec], max_quantity: int) -> dict[int, int]:
    if not 1 <= len(items) <= MAX_LINES:
        raise ValidationFailed(f"an order has 1–{MAX_LINES} lines", field="items",
                               code="ITEM_COUNT")
    merged: dict[int, int] = {}
    for index, item in enumerate(items):  # `field` names the line: items[2].quantity
        merged[item.sku_id] = merged.get(item.sku_id, 0) + item.quantity
        if not 1 <= item.quantity <= max_quantity or merged[item.sku_id] > max_quantity:
            raise ValidationFailed(f"quantity must be 1–{max_quantity}",
                                   field=f"items[{index}].quantity", code="QUANTITY_OUT_OF_RANGE")
        if not 0 < item.sku_id <= _MAX_ID:  # no row has it (nor does a bigint hold it)
            raise NotFound("SKU not found", field=f"items[{index}].skuId", code="SKU_NOT_FOUND")
    return merged


def _sku_field(items: list[ItemSpec], sku_id: int) -> str:
    """The input path of the first line asking for `sku_id` (items[2].skuId)."""
    index = next((i for i, item in enumerate(items) if item.sku_id == sku_id), None)
    return "items.skuId" if index is None else f"items[{index}].skuId"


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


def _line(row: dict[str, Any], quantity: int) -> _Line:
    return _Line(row["id"], quantity, row["price_fen"],
                 f"{row['product_name']} {row['name']}"[:170], row["product_id"],
                 row["category_id"], row["supplier_id"], row["region_code"],
                 bool(row["certified"]))


async def _reserve(wanted: dict[int, int], items: list[ItemSpec]) -> list[_Line]:
    """Reserve each line's stock, SKU rows in id order (so two multi-line orders never
    deadlock), each UPDATE returning what the order needs of its SKU: no read beforehand.
    Call inside the order's transaction: a failed line rolls back the ones before it."""
    lines = []
    for sku_id, quantity in sorted(wanted.items()):
        row = await sql.one(sql.RESERVE_LINE, [quantity, sku_id, quantity])
        if row is None:
            await _refuse_lines(wanted, items)
        else:
            lines.append(_line(row, quantity))
    return lines


async def _refuse_lines(wanted: dict[int, int], items: list[ItemSpec]) -> NoReturn:
    """Why a reservation failed: a missing or withdrawn SKU (any line's, the lowest id first)
    before OUT_OF_STOCK. Only ever read on the refusal path."""
    found = {r["id"]: r for r in await sql.rows(sql.SKU_LINES.format(marks=sql.marks(len(wanted))),
                                                  list(wanted))}
    for sku_id in sorted(wanted):
        row = found.get(sku_id)
        if row is None or not row["active"]:
            raise NotFound("SKU not found", field=_sku_field(items, sku_id), code="SKU_NOT_FOUND")
    raise Conflict("not enough stock", field="items", code="OUT_OF_STOCK")


async def place_order(principal: Principal, *, items: list[ItemSpec], address: Address,
                      idempotency_key: str, voucher_id: int | None = None,
                      for_union_id: int | None = None,
                      record: MemberRecord | None = None) -> Order:
    """Reserve stock, lock the voucher and write the order in one transaction. The same
    idempotency key with the same request returns the member's existing order (the unique key
    decides races); with another request it is refused (mall.idempotency).
    `record`: the buyer's member record when the caller has it already."""
    member_id = require_authenticated(principal)
    key = idempotency.check_key(idempotency_key)
    request = ([(i.sku_id, i.quantity) for i in items], address.__dict__, voucher_id,
               for_union_id)
    fingerprint = idempotency.fingerprint(*request)
    try:
        order = await _place(principal, member_id, key, fingerprint, items, address, voucher_id,
                             for_union_id, record)
        metrics.ORDERS_PLACED.add(1)
        return order
    except (DomainError, IntegrityError):
        # A replayed key fails here (at the latest on the unique key), so a new order costs
        # no look-up beforehand; the replay answers with the order its key made, if it asks
        # for the same.
        existing = await Order.get_or_none(member_id=member_id, idempotency_key=key)
        if existing is None:
            raise
        if not idempotency.same_request(existing.request_fingerprint, *request):
            raise idempotency.refuse_reuse() from None
        return existing


async def _place(principal: Principal, member_id: int, key: str, fingerprint: str,
                 items: list[ItemSpec], address: Address, voucher_id: int | None,
                 for_union_id: int | None, record: MemberRecord | None) -> Order:
    bulk = for_union_id is not None
    settings = get_settings()
    wanted = _merge_items(items, settings.union_bulk_max_quantity if bulk else MAX_QUANTITY)
    address = _check_address(address)
    if bulk and voucher_id is not None:
        raise Conflict("vouchers are personal: a union's bulk order takes none",
                       field="voucherId", code="VOUCHER_NOT_FOR_BULK_ORDER")
    if record is None or record.id != member_id:
        record = await get_record(member_id)
    if record is None:
        raise NotFound("member not found")
    union_id, union_path = await _buyer_union(principal, record, for_union_id)
    now = utcnow()
    window = timedelta(hours=settings.union_bulk_payment_window_hours) if bulk else PAYMENT_WINDOW
    order = Order(member_id=member_id, union_id=union_id, union_path=union_path,
                  status=OrderStatus.PENDING_PAYMENT, voucher_id=voucher_id,
                  kind=OrderKind.UNION_BULK if bulk else OrderKind.PERSONAL,
                  idempotency_key=key, request_fingerprint=fingerprint,
                  address_enc=encrypt(json.dumps(address.__dict__, ensure_ascii=False),
                                      "mall_address", owner=address_owner(member_id, key)),
                  address_region=address.region_code, expires_at=now + window,
                  created_at=now)
    voucher = None
    if voucher_id is not None:
        voucher = await _check_voucher(voucher_id, member_id, record.union_path)
    await _write(order, wanted, items, voucher)
    return order


async def _write(order: Order, wanted: dict[int, int], items: list[ItemSpec],
                 voucher: Voucher | None) -> None:
    async with in_transaction():
        # The buyer's row, open, held until the commit: a closure racing this order either
        # committed first (seen) or waits and finds it open (OPEN_ORDERS).
        if not await hold_open_account(order.member_id):
            raise NotFound("member not found")
        # Stock first: the reservations return the lines' prices, so the order row is written
        # once, complete. A concurrent duplicate key waits on the SKU row (same cart) or on
        # the order's unique key, fails there, and its rollback returns what it reserved.
        lines = await _reserve(wanted, items)
        _check_amounts(lines, items)  # raising here rolls the reservations back
        order.subtotal_fen = sum(line.line_fen for line in lines)
        order.discount_fen = _discount(voucher, lines) if voucher is not None else 0
        order.payable_fen = order.subtotal_fen - order.discount_fen
        await order.save()
        if voucher is not None:
            locked = await Voucher.filter(
                id=voucher.id, member_id=order.member_id, status=VoucherStatus.AVAILABLE,
                valid_until__gt=utcnow(),
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
        await record_event(order.id, "PLACED", order.member_id, None,
                           OrderStatus.PENDING_PAYMENT.value,
                           voucher_id=voucher.id if voucher else None)
        if order.kind == OrderKind.UNION_BULK:
            await audit.record("mall.order.bulk_place", actor_id=order.member_id,
                               subject_type="order", subject_id=order.id,
                               detail={"union_id": order.union_id,
                                       "amount_fen": order.payable_fen})


def _check_amounts(lines: list[_Line], items: list[ItemSpec]) -> None:
    """Refuse an order whose total (or a line's) its amount columns cannot hold, before any
    row is written: PostgreSQL would fail the INSERT, SQLite store an order GraphQL cannot
    show. The discount and the payable amount are at most the subtotal."""
    for line in lines:
        if line.line_fen > MAX_AMOUNT_FEN:
            index = next(i for i, item in enumerate(items) if item.sku_id == line.sku_id)
            raise ValidationFailed("an order holds at most ¥21,474,836.47: split it into "
                                   "smaller orders", field=f"items[{index}].quantity",
                                   code="ORDER_TOTAL_TOO_LARGE")
    if sum(line.line_fen for line in lines) > MAX_AMOUNT_FEN:
        raise ValidationFailed("an order holds at most ¥21,474,836.47: split it into "
                               "smaller orders", field="items", code="ORDER_TOTAL_TOO_LARGE")


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


async def _check_voucher(voucher_id: int, member_id: int, member_union_path: str) -> Voucher:
    """The voucher's own checks, before the order's transaction (a withdrawn voucher's VOID
    must outlive the refusal); what it is worth against the lines is `_discount`."""
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
    return voucher


def _discount(voucher: Voucher, lines: list[_Line]) -> int:
    eligible = sum(line.line_fen for line in lines if _eligible(voucher, line))
    if eligible == 0:
        raise Conflict("no item in this order qualifies for the voucher", field="voucherId",
                       code="VOUCHER_NOT_APPLICABLE")
    # 满减: the threshold is checked against the (qualifying) subtotal.
    if eligible < voucher.campaign.threshold_fen:
        raise Conflict("the order does not reach the voucher's threshold", field="voucherId",
                       code="VOUCHER_THRESHOLD_NOT_MET")
    return min(voucher.campaign.face_value_fen, eligible)
