"""GraphQL types of the mall subgraph. Related objects load through request-scoped
DataLoaders (`unionhub.mall.loaders`), so lists make one query per relation, not per row."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

import strawberry

from unionhub.clock import utcnow
from unionhub.mall import loaders
from unionhub.mall import models as m
from unionhub.mall.providers.base import PayChannel
from unionhub.mall.vouchers import shown_status
from unionhub.schema.entities import MemberRef, UnionRef, member_entity, union_entity
from unionhub.schema.mall_address_types import ADDRESS_FIELD, Address, address_of_order

CampaignKindEnum = strawberry.enum(m.CampaignKind, name="CampaignKind",
                                   description="How a campaign's vouchers reach members.")
VoucherStatusEnum = strawberry.enum(m.VoucherStatus, name="VoucherStatus",
                                    description="A voucher's state as shown now.")
OrderStatusEnum = strawberry.enum(m.OrderStatus, name="OrderStatus",
                                  description="An order's state.")
OrderKindEnum = strawberry.enum(
    m.OrderKind, name="OrderKind",
    description="PERSONAL: a member's own order. UNION_BULK: 工会经费集采, placed by a cadre for "
                "a union (forUnionId) and paid from its union funds on a second cadre's approval.")
PaymentMethodEnum = strawberry.enum(m.PaymentMethod, name="PaymentMethod",
                                    description="The payment rail.")
PaymentStatusEnum = strawberry.enum(m.PaymentStatus, name="PaymentStatus",
                                    description="A payment's state at the rail.")
PaymentChannelEnum = strawberry.enum(
    PayChannel, name="PaymentChannel",
    description="How the member pays: NATIVE (QR), JSAPI and MINI_PROGRAM are WeChat Pay's; "
                "PAGE, WAP and APP are Alipay's; DEFAULT is the provider's usual way.")


T = TypeVar("T")


def _sid(value: int) -> strawberry.ID:
    return strawberry.ID(str(value))


def load_related(info: strawberry.Info, name: str, key: int) -> Any:
    return info.context.loader(f"mall.{name}", getattr(loaders, name)).load(key)


async def _then(loading: Awaitable[Any], make: Callable[[Any], T]) -> T:
    return make(await loading)


@strawberry.type(description="A product category (a small list by nature: not paged).")
class Category:
    id: strawberry.ID = strawberry.field(description="The category's id.")
    name: str = strawberry.field(description="Its name.")

    @classmethod
    def of(cls, row: m.Category) -> Category:
        return cls(id=_sid(row.id), name=row.name)


@strawberry.type(description="A supplier of products (扶贫 suppliers are certified).")
class Supplier:
    id: strawberry.ID = strawberry.field(description="The supplier's id.")
    name: str = strawberry.field(description="Its name.")
    region_code: str = strawberry.field(description="Its 6-digit GB/T 2260 region code.")
    region_name: str = strawberry.field(description="Its region's name, as entered.")
    certified: bool = strawberry.field(description=(
        "扶贫产品认定: a certified poverty-alleviation supplier."))

    @classmethod
    def of(cls, row: m.Supplier) -> Supplier:
        return cls(id=_sid(row.id), name=row.name, region_code=row.region_code,
                   region_name=row.region_name, certified=row.certified)


@strawberry.type(description="A stock-keeping unit: one buyable variant of a product.")
class Sku:
    id: strawberry.ID = strawberry.field(description="The SKU's id (OrderItemInput.skuId).")
    name: str = strawberry.field(description="The variant's name.")
    price_fen: int = strawberry.field(description="Unit price in fen (分, 1/100 yuan).")
    stock: int = strawberry.field(description="Units in stock now (held by unpaid orders "
                                              "excluded).")

    @classmethod
    def of(cls, row: m.Sku) -> Sku:
        return cls(id=_sid(row.id), name=row.name, price_fen=row.price_fen, stock=row.stock)


@strawberry.type(description="A product in the mall's catalogue. Public.")
class Product:
    id: strawberry.ID = strawberry.field(description="The product's id.")
    name: str = strawberry.field(description="Its name.")
    description: str = strawberry.field(description="Its description (plain text; may be "
                                                    "empty).")
    supplier_id: strawberry.Private[int]
    category_id: strawberry.Private[int]

    @classmethod
    def of(cls, row: m.Product) -> Product:
        return cls(id=_sid(row.id), name=row.name, description=row.description,
                   supplier_id=row.supplier_id, category_id=row.category_id)

    # Sync resolvers that return an awaitable only on a cache miss (graphql-core and the
    # compiled executor await what a resolver returns): a cached row costs no coroutine, and
    # a product whose only awaitable field is then `skus` is completed without a gather (an
    # asyncio task per awaitable field).
    @strawberry.field(description="Who supplies it.")
    def supplier(self, info: strawberry.Info) -> Supplier:
        row = loaders.supplier_rows.cached(self.supplier_id)  # no DataLoader round when cached
        if row is not None:
            return Supplier.of(row)
        return _then(load_related(info, "suppliers", self.supplier_id), Supplier.of)  # type: ignore[return-value]

    @strawberry.field(description="Its category.")
    def category(self, info: strawberry.Info) -> Category:
        row = loaders.category_rows.cached(self.category_id)
        if row is not None:
            return Category.of(row)
        return _then(load_related(info, "categories", self.category_id), Category.of)  # type: ignore[return-value]

    @strawberry.field(description="The product's variants: a plain list, small by nature.")
    async def skus(self, info: strawberry.Info) -> list[Sku]:
        return [Sku.of(s) for s in await load_related(info, "skus_of_product", int(self.id))]


@strawberry.type(description=(
    "A union's voucher campaign (消费券): vouchers of a face value, within a budget, for members of "
    "the union's subtree."))
class VoucherCampaign:
    id: strawberry.ID = strawberry.field(description="The campaign's id.")
    name: str = strawberry.field(description="Its name.")
    kind: CampaignKindEnum = strawberry.field(description="CLAIM or GRANT.")
    face_value_fen: int = strawberry.field(description=(
        "Each voucher's value in fen (分, 1/100 yuan)."))
    threshold_fen: int = strawberry.field(
        description=(
            "The least order subtotal a voucher applies to in fen (分, 1/100 yuan); 0: none."))
    per_member_limit: int = strawberry.field(description="Vouchers one member may hold from "
                                                         "it (1 for GRANT).")
    budget_fen: int = strawberry.field(description=(
        "The total of all its vouchers in fen (分, 1/100 yuan)."))
    issued_count: int = strawberry.field(description="Vouchers issued so far.")
    remaining_vouchers: int = strawberry.field(description="Vouchers the budget still covers.")
    claim_starts_at: datetime = strawberry.field(description="The claim window opens (UTC "
                                                             "instant).")
    claim_ends_at: datetime = strawberry.field(description="The claim window closes (UTC "
                                                           "instant, exclusive).")
    valid_until: datetime | None = strawberry.field(
        description="Vouchers expire at this instant; null when validDays is set.")
    valid_days: int | None = strawberry.field(
        description="Vouchers expire this many days after issue; null when validUntil is set.")
    certified_only: bool = strawberry.field(description="Vouchers apply only to certified "
                                                        "(扶贫) suppliers' products.")
    category_id: strawberry.ID | None = strawberry.field(
        description="Vouchers apply only to this category; null: any.")
    grant_done: bool = strawberry.field(description="GRANT: every member in scope has been "
                                                    "granted one.")
    org_id: strawberry.Private[int]

    @classmethod
    def of(cls, row: m.VoucherCampaign) -> VoucherCampaign:
        return cls(
            id=_sid(row.id), name=row.name, kind=row.kind, face_value_fen=row.face_value_fen,
            threshold_fen=row.threshold_fen, per_member_limit=row.per_member_limit,
            budget_fen=row.budget_fen, issued_count=row.issued_count,
            remaining_vouchers=row.max_vouchers - row.issued_count,
            claim_starts_at=row.claim_starts_at, claim_ends_at=row.claim_ends_at,
            valid_until=row.valid_until, valid_days=row.valid_days,
            certified_only=row.certified_only,
            category_id=_sid(row.category_id) if row.category_id else None,
            grant_done=row.grant_done, org_id=row.org_id)

    @strawberry.field(description="The union that runs it; its subtree's members may hold its "
                                  "vouchers.")
    def org(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.org_id)


@strawberry.type(description="A voucher a member holds. Seen by its holder only.")
class Voucher:
    id: strawberry.ID = strawberry.field(description="The voucher's id (PlaceOrderInput."
                                                     "voucherId).")
    status: VoucherStatusEnum = strawberry.field(description="Its state now.")
    issued_at: datetime = strawberry.field(description="When it was issued (UTC instant).")
    valid_until: datetime = strawberry.field(description="When it expires (UTC instant).")
    campaign_id: strawberry.Private[int]
    # The campaign's row when the same request's loader already read it (shown_vouchers).
    campaign_row: strawberry.Private[m.VoucherCampaign | None] = None

    @classmethod
    def of(cls, row: m.Voucher, status: m.VoucherStatus | None = None,
           campaign: m.VoucherCampaign | None = None) -> Voucher:
        """`status`: as decided with the holder's scope; by default expiry is decided here."""
        return cls(id=_sid(row.id), status=status or shown_status(row), issued_at=row.issued_at,
                   valid_until=row.valid_until, campaign_id=row.campaign_id,
                   campaign_row=campaign)

    @strawberry.field(description="The campaign it came from (its rules apply).")
    def campaign(self, info: strawberry.Info) -> VoucherCampaign:
        if self.campaign_row is not None:  # (as Product.supplier: no coroutine when known)
            return VoucherCampaign.of(self.campaign_row)
        return _then(load_related(info, "campaigns", self.campaign_id), VoucherCampaign.of)  # type: ignore[return-value]


async def shown_vouchers(info: strawberry.Info, rows: list[m.Voucher],
                         holder_union_path: str, status: m.VoucherStatus | None,
                         known: dict[int, m.VoucherCampaign] | None = None) -> list[Voucher]:
    """A holder's vouchers with their status decided now (expiry and the holder's scope),
    those with `status` only when given. `known`: campaigns read with the rows (by id)."""
    known = known or {}
    if all(v.campaign_id in known for v in rows):  # read with the page: no DataLoader
        campaigns = [known[v.campaign_id] for v in rows]
    else:
        campaigns = await asyncio.gather(*(load_related(info, "campaigns", v.campaign_id)
                                           for v in rows))
    now, shown = utcnow(), []
    for row, campaign in zip(rows, campaigns, strict=True):
        st = shown_status(row, now=now, holder_union_path=holder_union_path,
                          campaign_org_path=campaign.org_path)
        if status is None or st == status:
            shown.append(Voucher.of(row, st, campaign))
    return shown


@strawberry.type(description="One line of an order, priced when the order was placed.")
class OrderItem:
    sku_id: strawberry.ID = strawberry.field(description="The SKU bought.")
    product_id: strawberry.ID = strawberry.field(description="Its product.")
    name: str = strawberry.field(description="The product and SKU name at order time.")
    unit_price_fen: int = strawberry.field(description=(
        "Unit price at order time in fen (分, 1/100 yuan)."))
    quantity: int = strawberry.field(description="Units bought.")
    line_fen: int = strawberry.field(description="unitPriceFen × quantity in fen (分, 1/100 yuan).")


def _items(rows: list[m.OrderItem]) -> list[OrderItem]:
    return [OrderItem(sku_id=_sid(i.sku_id), product_id=_sid(i.product_id), name=i.name,
                      unit_price_fen=i.unit_price_fen, quantity=i.quantity, line_fen=i.line_fen)
            for i in rows]


@strawberry.type(description="One change of an order.")
class OrderEvent:
    kind: str = strawberry.field(description="What happened, a stable upper-case name (PLACED, ...).")
    at: datetime = strawberry.field(description="When (UTC instant).")
    from_status: str | None = strawberry.field(description="The OrderStatus before; null "
                                                           "when placed.")
    to_status: str | None = strawberry.field(description="The OrderStatus after; null when "
                                                         "the status did not change.")


@strawberry.type(description=(
    "A mall order. Seen by its buyer, by cadres whose scope holds its union (the buyer's union "
    "when it was placed) and by admins; its address's personal fields follow the buyer's rule."))
class Order:
    id: strawberry.ID = strawberry.field(description="The order's id.")
    status: OrderStatusEnum = strawberry.field(description="Its state.")
    kind: OrderKindEnum = strawberry.field(description="PERSONAL or UNION_BULK.")
    subtotal_fen: int = strawberry.field(description="Sum of the lines in fen (分, 1/100 yuan).")
    discount_fen: int = strawberry.field(description=(
        "The voucher's discount in fen (分, 1/100 yuan); 0 without."))
    payable_fen: int = strawberry.field(description=(
        "subtotalFen − discountFen in fen (分, 1/100 yuan)."))
    created_at: datetime = strawberry.field(description="When it was placed (UTC instant).")
    expires_at: datetime = strawberry.field(
        description="Unpaid by then (30 minutes after placing), it is cancelled (UTC instant).")
    paid_at: datetime | None = strawberry.field(description="When it was paid (UTC instant).")
    shipped_at: datetime | None = strawberry.field(description="When it shipped (UTC "
                                                               "instant).")
    payment_method: PaymentMethodEnum | None = strawberry.field(
        description="The rail it was paid with; null before payment.")
    tracking_no: str | None = strawberry.field(description="The carrier's tracking number "
                                                           "once shipped.")
    row: strawberry.Private[m.Order]
    # Its lines when the page's statement read them (fastpath/attached_rows.py), else None.
    item_rows: strawberry.Private[list[m.OrderItem] | None] = None

    @classmethod
    def of(cls, row: m.Order, items: list[m.OrderItem] | None = None) -> Order:
        return cls(id=_sid(row.id), status=row.status, kind=row.kind,
                   subtotal_fen=row.subtotal_fen,
                   discount_fen=row.discount_fen, payable_fen=row.payable_fen,
                   created_at=row.created_at, expires_at=row.expires_at, paid_at=row.paid_at,
                   shipped_at=row.shipped_at, payment_method=row.payment_method,
                   tracking_no=row.tracking_no, row=row, item_rows=items)

    @strawberry.field(description="The voucher applied; null without.")
    async def voucher(self, info: strawberry.Info) -> Voucher | None:
        if self.row.voucher_id is None:
            return None
        return Voucher.of(await load_related(info, "vouchers", self.row.voucher_id))

    @strawberry.field(description="The buyer (personal fields masked by the usual rule).")
    def member(self, info: strawberry.Info) -> MemberRef:
        return member_entity(info, self.row.member_id)

    @strawberry.field(description="The union bought for: the buyer's union at order time.")
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.row.union_id)

    @strawberry.field(description="The order's lines: a plain list, small by nature (1–20).")
    def items(self, info: strawberry.Info) -> list[OrderItem]:
        if self.item_rows is not None:  # read with the page: no coroutine
            return _items(self.item_rows)
        return _then(load_related(info, "items_of_order", self.row.id), _items)  # type: ignore[return-value]

    @strawberry.field(description="Every change of the order, oldest first: a plain list, "
                                  "small by nature (a handful per order).")
    async def events(self, info: strawberry.Info) -> list[OrderEvent]:
        return [OrderEvent(kind=e.kind, at=e.at, from_status=e.from_status,
                           to_status=e.to_status)
                for e in await load_related(info, "events_of_order", self.row.id)]

    @strawberry.field(description=ADDRESS_FIELD)
    def address(self, info: strawberry.Info) -> Address:
        return address_of_order(info, self.row)


@strawberry.type(description="A payment of an order at a rail.")
class Payment:
    id: strawberry.ID = strawberry.field(description="The payment's id.")
    method: PaymentMethodEnum = strawberry.field(description="Its rail.")
    status: PaymentStatusEnum = strawberry.field(description="Its state.")
    amount_fen: int = strawberry.field(description="The amount in fen (分, 1/100 yuan).")
    refund_requested_at: datetime | None = strawberry.field(
        default=None, description="When a refund was asked for (UTC instant).")

    @classmethod
    def of(cls, row: m.Payment) -> Payment:
        return cls(id=_sid(row.id), method=row.method, status=row.status,
                   amount_fen=row.amount_fen, refund_requested_at=row.refund_requested_at)


# --- payloads ------------------------------------------------------------------------------
