"""GraphQL types of the mall subgraph. Related objects load through request-scoped
DataLoaders (`unionhub.mall.loaders`), so lists make one query per relation, not per row."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import strawberry

from unionhub.clock import utcnow
from unionhub.mall import loaders
from unionhub.mall import models as m
from unionhub.mall.orders import address_of
from unionhub.mall.providers.base import Checkout, PayChannel
from unionhub.mall.vouchers import shown_status
from unionhub.schema.entities import MemberRef, UnionRef, member_entity, union_entity
from unionhub.schema.errors import UserError

CampaignKindEnum = strawberry.enum(m.CampaignKind, name="CampaignKind")
VoucherStatusEnum = strawberry.enum(m.VoucherStatus, name="VoucherStatus")
OrderStatusEnum = strawberry.enum(m.OrderStatus, name="OrderStatus")
OrderKindEnum = strawberry.enum(
    m.OrderKind, name="OrderKind",
    description="PERSONAL: a member's own order. UNION_BULK: 工会经费集采, placed by a cadre for "
                "a union (forUnionId) and paid from its union funds on a second cadre's approval.")
PaymentMethodEnum = strawberry.enum(m.PaymentMethod, name="PaymentMethod")
PaymentStatusEnum = strawberry.enum(m.PaymentStatus, name="PaymentStatus")
PaymentChannelEnum = strawberry.enum(
    PayChannel, name="PaymentChannel",
    description="How the member pays: NATIVE (QR), JSAPI and MINI_PROGRAM are WeChat Pay's; "
                "PAGE, WAP and APP are Alipay's; DEFAULT is the provider's usual way.")


def _sid(value: int) -> strawberry.ID:
    return strawberry.ID(str(value))


def load_related(info: strawberry.Info, name: str, key: int) -> Any:
    return info.context.loader(f"mall.{name}", getattr(loaders, name)).load(key)


@strawberry.type
class Category:
    id: strawberry.ID
    name: str

    @classmethod
    def of(cls, row: m.Category) -> Category:
        return cls(id=_sid(row.id), name=row.name)


@strawberry.type
class Supplier:
    id: strawberry.ID
    name: str
    region_code: str
    region_name: str
    certified: bool = strawberry.field(description="扶贫产品认定: a certified poverty-alleviation supplier.")

    @classmethod
    def of(cls, row: m.Supplier) -> Supplier:
        return cls(id=_sid(row.id), name=row.name, region_code=row.region_code,
                   region_name=row.region_name, certified=row.certified)


@strawberry.type
class Sku:
    id: strawberry.ID
    name: str
    price_fen: int
    stock: int

    @classmethod
    def of(cls, row: m.Sku) -> Sku:
        return cls(id=_sid(row.id), name=row.name, price_fen=row.price_fen, stock=row.stock)


@strawberry.type
class Product:
    id: strawberry.ID
    name: str
    description: str
    supplier_id: strawberry.Private[int]
    category_id: strawberry.Private[int]

    @classmethod
    def of(cls, row: m.Product) -> Product:
        return cls(id=_sid(row.id), name=row.name, description=row.description,
                   supplier_id=row.supplier_id, category_id=row.category_id)

    @strawberry.field
    async def supplier(self, info: strawberry.Info) -> Supplier:
        return Supplier.of(await load_related(info, "suppliers", self.supplier_id))

    @strawberry.field
    async def category(self, info: strawberry.Info) -> Category:
        return Category.of(await load_related(info, "categories", self.category_id))

    @strawberry.field
    async def skus(self, info: strawberry.Info) -> list[Sku]:
        return [Sku.of(s) for s in await load_related(info, "skus_of_product", int(self.id))]


@strawberry.type
class VoucherCampaign:
    id: strawberry.ID
    name: str
    kind: CampaignKindEnum
    face_value_fen: int
    threshold_fen: int
    per_member_limit: int
    budget_fen: int
    issued_count: int
    remaining_vouchers: int
    claim_starts_at: datetime
    claim_ends_at: datetime
    valid_until: datetime | None
    valid_days: int | None
    certified_only: bool
    category_id: strawberry.ID | None
    grant_done: bool
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

    @strawberry.field
    def org(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.org_id)


@strawberry.type
class Voucher:
    id: strawberry.ID
    status: VoucherStatusEnum
    issued_at: datetime
    valid_until: datetime
    campaign_id: strawberry.Private[int]

    @classmethod
    def of(cls, row: m.Voucher, status: m.VoucherStatus | None = None) -> Voucher:
        """`status`: as decided with the holder's scope; by default expiry is decided here."""
        return cls(id=_sid(row.id), status=status or shown_status(row), issued_at=row.issued_at,
                   valid_until=row.valid_until, campaign_id=row.campaign_id)

    @strawberry.field
    async def campaign(self, info: strawberry.Info) -> VoucherCampaign:
        return VoucherCampaign.of(await load_related(info, "campaigns", self.campaign_id))


async def shown_vouchers(info: strawberry.Info, rows: list[m.Voucher],
                         holder_union_path: str, status: m.VoucherStatus | None,
                         ) -> list[Voucher]:
    """A holder's vouchers with their status decided now (expiry and the holder's scope),
    those with `status` only when given."""
    campaigns = await asyncio.gather(*(load_related(info, "campaigns", v.campaign_id) for v in rows))
    now, shown = utcnow(), []
    for row, campaign in zip(rows, campaigns, strict=True):
        st = shown_status(row, now=now, holder_union_path=holder_union_path,
                          campaign_org_path=campaign.org_path)
        if status is None or st == status:
            shown.append(Voucher.of(row, st))
    return shown


@strawberry.type
class OrderItem:
    sku_id: strawberry.ID
    product_id: strawberry.ID
    name: str
    unit_price_fen: int
    quantity: int
    line_fen: int


@strawberry.type
class OrderEvent:
    kind: str
    at: datetime
    from_status: str | None
    to_status: str | None


@strawberry.type
class Address:
    recipient: str
    phone: str
    region_code: str
    detail: str


@strawberry.type
class Order:
    id: strawberry.ID
    status: OrderStatusEnum
    kind: OrderKindEnum
    subtotal_fen: int
    discount_fen: int
    payable_fen: int
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None
    shipped_at: datetime | None
    payment_method: PaymentMethodEnum | None
    tracking_no: str | None
    row: strawberry.Private[m.Order]

    @classmethod
    def of(cls, row: m.Order) -> Order:
        return cls(id=_sid(row.id), status=row.status, kind=row.kind,
                   subtotal_fen=row.subtotal_fen,
                   discount_fen=row.discount_fen, payable_fen=row.payable_fen,
                   created_at=row.created_at, expires_at=row.expires_at, paid_at=row.paid_at,
                   shipped_at=row.shipped_at, payment_method=row.payment_method,
                   tracking_no=row.tracking_no, row=row)

    @strawberry.field
    async def voucher(self, info: strawberry.Info) -> Voucher | None:
        if self.row.voucher_id is None:
            return None
        return Voucher.of(await load_related(info, "vouchers", self.row.voucher_id))

    @strawberry.field
    def member(self, info: strawberry.Info) -> MemberRef:
        return member_entity(info, self.row.member_id)

    @strawberry.field(description="The union bought for: the buyer's union at order time.")
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.row.union_id)

    @strawberry.field
    async def items(self, info: strawberry.Info) -> list[OrderItem]:
        return [OrderItem(sku_id=_sid(i.sku_id), product_id=_sid(i.product_id), name=i.name,
                          unit_price_fen=i.unit_price_fen, quantity=i.quantity,
                          line_fen=i.line_fen)
                for i in await load_related(info, "items_of_order", self.row.id)]

    @strawberry.field(description="Every change of the order, oldest first.")
    async def events(self, info: strawberry.Info) -> list[OrderEvent]:
        return [OrderEvent(kind=e.kind, at=e.at, from_status=e.from_status,
                           to_status=e.to_status)
                for e in await load_related(info, "events_of_order", self.row.id)]

    @strawberry.field(description="Shown to whoever may see the order (buyer, cadres in scope).")
    def address(self) -> Address:
        a = address_of(self.row)
        return Address(recipient=a.recipient, phone=a.phone, region_code=a.region_code,
                       detail=a.detail)


@strawberry.type
class Payment:
    id: strawberry.ID
    method: PaymentMethodEnum
    status: PaymentStatusEnum
    amount_fen: int
    refund_requested_at: datetime | None = None

    @classmethod
    def of(cls, row: m.Payment) -> Payment:
        return cls(id=_sid(row.id), method=row.method, status=row.status,
                   amount_fen=row.amount_fen, refund_requested_at=row.refund_requested_at)


# --- payloads ------------------------------------------------------------------------------

@strawberry.type
class SupplierPayload:
    supplier: Supplier | None = None
    errors: list[UserError]


@strawberry.type
class CategoryPayload:
    category: Category | None = None
    errors: list[UserError]


@strawberry.type
class ProductPayload:
    product: Product | None = None
    errors: list[UserError]


@strawberry.type
class SkuPayload:
    sku: Sku | None = None
    errors: list[UserError]


@strawberry.type
class VoucherCampaignPayload:
    campaign: VoucherCampaign | None = None
    errors: list[UserError]


@strawberry.type
class GrantVouchersPayload:
    campaign: VoucherCampaign | None = None
    granted: int = strawberry.field(default=0, description="Vouchers issued by this call.")
    done: bool = strawberry.field(
        default=False, description="False: the worker goes on from where this call stopped.")
    errors: list[UserError]


@strawberry.type
class VoucherPayload:
    voucher: Voucher | None = None
    errors: list[UserError]


@strawberry.type
class OrderPayload:
    order: Order | None = None
    errors: list[UserError]


@strawberry.type(description="wx.requestPayment's parameters, signed by the merchant.")
class WeChatPayParams:
    app_id: str
    time_stamp: str
    nonce_str: str
    package: str
    sign_type: str
    pay_sign: str


@strawberry.type(description="What the app needs to take the member to the payment rail; "
                             "only the fields of the provider's channel are set.")
class PaymentCheckout:
    provider: str = strawberry.field(description="stripe, wechatpay, alipay or sandbox.")
    reference: str = strawberry.field(description="The payment's id at the provider.")
    client_secret: str | None = strawberry.field(description="Stripe: confirm with Stripe.js.")
    code_url: str | None = strawberry.field(description="WeChat Pay NATIVE: show as a QR code.")
    wechat_pay_params: WeChatPayParams | None = strawberry.field(
        description="WeChat Pay JSAPI / mini program: pass to wx.requestPayment.")
    pay_url: str | None = strawberry.field(
        description="Alipay PAGE / WAP, and the sandbox rail: open this URL.")
    order_string: str | None = strawberry.field(description="Alipay APP: give to the Alipay SDK.")

    @classmethod
    def of(cls, provider: str, checkout: Checkout) -> PaymentCheckout:
        params = checkout.jsapi_params
        return cls(provider=provider, reference=checkout.provider_ref,
                   client_secret=checkout.client_secret, code_url=checkout.code_url,
                   wechat_pay_params=WeChatPayParams(
                       app_id=params["appId"], time_stamp=params["timeStamp"],
                       nonce_str=params["nonceStr"], package=params["package"],
                       sign_type=params["signType"], pay_sign=params["paySign"],
                   ) if params else None,
                   pay_url=checkout.pay_url, order_string=checkout.order_string)


@strawberry.type
class PaymentPayload:
    payment: Payment | None = None
    order: Order | None = None
    checkout: PaymentCheckout | None = None
    client_secret: str | None = strawberry.field(
        default=None, description="Stripe's PaymentIntent client secret (also in checkout).")
    errors: list[UserError]
