"""The mall's part of a member's data (`unionhub.memberdata`): orders (with their events and
the reasons the member gave for a refund), payments and vouchers in the export; on closure,
addresses and the member's refund reasons erased and vouchers withdrawn; on leaving a union,
that union's vouchers withdrawn."""

from __future__ import annotations

import json
from typing import Any

from unionhub.errors import Conflict
from unionhub.identity.crypto import encrypt
from unionhub.mall.models import Order, OrderEvent, OrderItem, OrderStatus, Payment, Voucher
from unionhub.mall.orders import Address, address_of, address_owner
from unionhub.mall.withdrawals import withdraw_vouchers
from unionhub.memberdata import MemberDataPart, iso, readable, rows

# Orders still moving: the closure waits for them (the goods must reach the address).
_OPEN = (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.SHIPPED)
# The buyer's own words on an order: the reason they gave for a refund (it went to the rail).
_REFUND_REQUESTED = "REFUND_REQUESTED"
_ORDER_COLUMNS = ("id", "status", "union_id", "subtotal_fen", "discount_fen", "payable_fen",
                  "voucher_id", "payment_method", "tracking_no", "created_at", "paid_at",
                  "shipped_at", "completed_at", "cancelled_at", "refunded_at")


async def export(member_id: int) -> dict[str, Any]:
    orders = await Order.filter(member_id=member_id).order_by("id")
    ids = [o.id for o in orders]
    items = rows(await OrderItem.filter(order_id__in=ids).order_by("id").values(
        "order_id", "name", "unit_price_fen", "quantity", "line_fen"))
    payments = rows(await Payment.filter(order_id__in=ids).order_by("id").values(
        "order_id", "method", "provider", "amount_fen", "status", "created_at", "succeeded_at"))
    events = await OrderEvent.filter(order_id__in=ids).order_by("id").values(
        "order_id", "kind", "at", "from_status", "to_status", "actor_id", "detail")
    out = []
    for order in orders:
        row = rows([{c: getattr(order, c) for c in _ORDER_COLUMNS}])[0]
        address = readable(address_of, order, where=f"mall.orders[{order.id}].address")
        row["address"] = address.__dict__ if address is not None else None
        row["items"] = [i for i in items if i["order_id"] == order.id]
        row["payments"] = [p for p in payments if p["order_id"] == order.id]
        row["events"] = [_event(e, member_id) for e in events if e["order_id"] == order.id]
        out.append(row)
    vouchers = rows(await Voucher.filter(member_id=member_id).order_by("id").values(
        "id", "campaign_id", "campaign__name", "status", "issued_at", "valid_until",
        "order_id", "used_at"))
    return {"orders": out, "vouchers": vouchers}


def _event(event: dict[str, Any], member_id: int) -> dict[str, Any]:
    """An order's event as the export shows it: what happened and when; the reason only where
    the member wrote it (other details are the rails' and staff's references)."""
    shown = {k: event[k] for k in ("kind", "from_status", "to_status")}
    shown["at"] = iso(event["at"])
    if event["kind"] == _REFUND_REQUESTED and event["actor_id"] == member_id:
        shown["reason"] = (event["detail"] or {}).get("reason", "")
    return shown


async def close(member_id: int) -> None:
    if await Order.exists(member_id=member_id, status__in=_OPEN):
        raise Conflict("finish or cancel your open orders before closing the account",
                       code="OPEN_ORDERS")
    # Orders and payments stay (accounts must balance) under the member id; the recipient,
    # phone and street go. The region stays: it is the order's tax and report dimension.
    for order in await Order.filter(member_id=member_id).only("id", "address_region",
                                                               "idempotency_key"):
        erased = Address("", "", order.address_region, "")
        await Order.filter(id=order.id).update(address_enc=encrypt(
            json.dumps(erased.__dict__, ensure_ascii=False), "mall_address",
            owner=address_owner(member_id, order.idempotency_key)))
    # The reasons they gave for refunds are their words; the events stay (the order's history).
    await OrderEvent.filter(order__member_id=member_id, kind=_REFUND_REQUESTED,
                            actor_id=member_id).update(detail={"reason": ""})
    await withdraw_vouchers(member_id, None, actor_id=member_id)


async def membership_ended(member_id: int, scope_path: str, actor_id: int | None) -> None:
    await withdraw_vouchers(member_id, scope_path, actor_id=actor_id)


PART = MemberDataPart("mall", export, close=close, membership_ended=membership_ended)
