"""The mall subgraph: catalogue, voucher campaigns, orders, payments, the mall report."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from unionhub.identity.access import Tier
from unionhub.mall.catalogue import SkuSpec
from unionhub.mall.idempotency import KEY_DESCRIPTION
from unionhub.mall.orders import Address
from unionhub.mall.placing import ItemSpec
from unionhub.resolvers import mall as r
from unionhub.schema import mall_funds as f
from unionhub.schema import mall_report_types as rt
from unionhub.schema import mall_types as t
from unionhub.schema.builder import SchemaPart
from unionhub.schema.mall_member_fields import MallMemberFields
from unionhub.schema.mall_payments import PaymentExceptionMutation, PaymentExceptionQuery
from unionhub.schema.permissions import gql_field
from unionhub.schema.relay import Connection


@strawberry.input
class SkuInput:
    name: str
    price_fen: int
    stock: int = 0


@strawberry.input
class CreateSupplierInput:
    name: str
    region_code: str
    region_name: str
    certified: bool
    certificate_no: str | None = None


@strawberry.input
class CreateCategoryInput:
    name: str
    sort: int = 0


@strawberry.input
class CreateProductInput:
    supplier_id: strawberry.ID
    category_id: strawberry.ID
    name: str
    description: str = ""
    skus: list[SkuInput]


@strawberry.input
class RestockSkuInput:
    sku_id: strawberry.ID
    delta: int


@strawberry.input
class CreateVoucherCampaignInput:
    union_id: strawberry.ID
    name: str
    kind: t.CampaignKindEnum
    face_value_fen: int
    threshold_fen: int = 0
    budget_fen: int
    per_member_limit: int = 1
    claim_starts_at: datetime
    claim_ends_at: datetime
    valid_until: datetime | None = None
    valid_days: int | None = None
    certified_only: bool = True
    category_id: strawberry.ID | None = None


@strawberry.input
class GrantVouchersInput:
    campaign_id: strawberry.ID


@strawberry.input
class ClaimVoucherInput:
    campaign_id: strawberry.ID


@strawberry.input
class OrderItemInput:
    sku_id: strawberry.ID
    quantity: int


@strawberry.input
class AddressInput:
    recipient: str
    phone: str
    region_code: str
    detail: str


@strawberry.input
class PlaceOrderInput:
    items: list[OrderItemInput]
    address: AddressInput
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)
    voucher_id: strawberry.ID | None = None
    for_union_id: strawberry.ID | None = strawberry.field(
        default=None, description="工会经费集采: a cadre buying for a union in scope makes a "
                                  "UNION_BULK order, paid from the union's funds when a second "
                                  "cadre approves it (approveUnionFundsPayment).")


@strawberry.input
class PayOrderInput:
    order_id: strawberry.ID
    method: t.PaymentMethodEnum
    channel: t.PaymentChannelEnum = t.PayChannel.DEFAULT
    payer_open_id: str | None = strawberry.field(
        default=None, description="WeChat Pay JSAPI / MINI_PROGRAM: the payer's openid.")


@strawberry.input
class CancelOrderInput:
    order_id: strawberry.ID


@strawberry.input
class ShipOrderInput:
    order_id: strawberry.ID
    tracking_no: str


@strawberry.input
class ConfirmReceiptInput:
    order_id: strawberry.ID


@strawberry.input
class RefundOrderInput:
    order_id: strawberry.ID
    reason: str | None = None


async def _mall_report(info: strawberry.Info, union_id: strawberry.ID,
                       from_: Annotated[date, strawberry.argument(name="from")],
                       to: date) -> rt.MallReport:
    return await r.mall_report(info, union_id, from_, to)


@strawberry.type
class MallQuery(PaymentExceptionQuery):
    products: Connection[t.Product] = gql_field(resolver=r.products)
    product: t.Product | None = gql_field(resolver=r.product)
    categories: list[t.Category] = gql_field(resolver=r.categories)
    suppliers: list[t.Supplier] = gql_field(resolver=r.suppliers)
    voucher_campaigns: Connection[t.VoucherCampaign] = gql_field(
        tier=Tier.MEMBER, resolver=r.voucher_campaigns,
        description="Campaigns open to the caller: scope holds the caller's union, window open.")
    my_vouchers: list[t.Voucher] = gql_field(tier=Tier.VERIFIED, resolver=r.my_vouchers)
    my_orders: Connection[t.Order] = gql_field(tier=Tier.VERIFIED, resolver=r.my_orders)
    order: t.Order | None = gql_field(tier=Tier.MEMBER, resolver=r.order)
    mall_orders: Connection[t.Order] = gql_field(
        tier=Tier.CADRE, resolver=r.mall_orders,
        description="Orders of a union's subtree, newest first: cadres whose scope holds it. "
                    "kind: UNION_BULK with status: PENDING_PAYMENT lists the bulk orders "
                    "awaiting a second cadre's approval.")
    mall_report: rt.MallReport = gql_field(tier=Tier.CADRE, resolver=_mall_report)
    union_funds_ledger: f.UnionFundsLedger = gql_field(
        tier=Tier.CADRE, resolver=r.union_funds_ledger,
        description="A union's union funds for a year (allocations, spending, returns): cadres "
                    "whose scope holds the union.")


@strawberry.type
class MallMutation(PaymentExceptionMutation):
    @gql_field(tier=Tier.CADRE)
    async def create_supplier(self, info: strawberry.Info,
                              input: CreateSupplierInput) -> t.SupplierPayload:
        return await r.create_supplier(info, input.name, input.region_code, input.region_name,
                                       input.certified, input.certificate_no)

    @gql_field(tier=Tier.CADRE)
    async def create_category(self, info: strawberry.Info,
                              input: CreateCategoryInput) -> t.CategoryPayload:
        return await r.create_category(info, input.name, input.sort)

    @gql_field(tier=Tier.CADRE)
    async def create_product(self, info: strawberry.Info,
                             input: CreateProductInput) -> t.ProductPayload:
        return await r.create_product(
            info, input.supplier_id, input.category_id, input.name, input.description,
            [SkuSpec(s.name, s.price_fen, s.stock) for s in input.skus])

    @gql_field(tier=Tier.CADRE)
    async def restock_sku(self, info: strawberry.Info, input: RestockSkuInput) -> t.SkuPayload:
        return await r.restock_sku(info, input.sku_id, input.delta)

    @gql_field(tier=Tier.CADRE)
    async def create_voucher_campaign(self, info: strawberry.Info,
                                      input: CreateVoucherCampaignInput,
                                      ) -> t.VoucherCampaignPayload:
        args = {k: getattr(input, k) for k in (
            "union_id", "name", "kind", "face_value_fen", "threshold_fen", "budget_fen",
            "per_member_limit", "claim_starts_at", "claim_ends_at", "valid_until", "valid_days",
            "certified_only", "category_id")}
        return await r.create_voucher_campaign(info, args)

    @gql_field(tier=Tier.CADRE)
    async def grant_vouchers(self, info: strawberry.Info,
                             input: GrantVouchersInput) -> t.GrantVouchersPayload:
        return await r.grant_vouchers(info, input.campaign_id)

    @gql_field(tier=Tier.MEMBER, description="Verified members with an active card, and "
               "verified workers in the holding pool (NOT_VERIFIED otherwise).")
    async def claim_voucher(self, info: strawberry.Info,
                            input: ClaimVoucherInput) -> t.VoucherPayload:
        return await r.claim_voucher(info, input.campaign_id)

    @gql_field(tier=Tier.VERIFIED)
    async def place_order(self, info: strawberry.Info, input: PlaceOrderInput) -> t.OrderPayload:
        items = [ItemSpec(int(i.sku_id) if str(i.sku_id).isdigit() else -1, i.quantity)
                 for i in input.items]
        a = input.address
        return await r.place_order(info, items, Address(a.recipient, a.phone, a.region_code,
                                                        a.detail),
                                   input.idempotency_key, input.voucher_id, input.for_union_id)

    @gql_field(tier=Tier.VERIFIED)
    async def pay_order(self, info: strawberry.Info, input: PayOrderInput) -> t.PaymentPayload:
        return await r.pay_order(info, input.order_id, input.method, input.channel,
                                 input.payer_open_id)

    @gql_field(tier=Tier.MEMBER)
    async def cancel_order(self, info: strawberry.Info, input: CancelOrderInput) -> t.OrderPayload:
        return await r.cancel_order(info, input.order_id)

    @gql_field(tier=Tier.CADRE)
    async def ship_order(self, info: strawberry.Info, input: ShipOrderInput) -> t.OrderPayload:
        return await r.ship_order(info, input.order_id, input.tracking_no)

    @gql_field(tier=Tier.MEMBER)
    async def confirm_receipt(self, info: strawberry.Info,
                              input: ConfirmReceiptInput) -> t.OrderPayload:
        return await r.confirm_receipt(info, input.order_id)

    @gql_field(tier=Tier.CADRE, description="A union's yearly union funds, added to by a cadre "
                                            "of its parent union.")
    async def allocate_union_funds(self, info: strawberry.Info,
                                   input: f.AllocateUnionFundsInput,
                                   ) -> f.AllocateUnionFundsPayload:
        return await r.allocate_union_funds(info, input.union_id, input.year, input.amount_fen)

    @gql_field(tier=Tier.CADRE, description="The checker's approval that pays a UNION_BULK order "
                                            "from its union's funds of this year: a cadre in "
                                            "scope other than the one who placed it; above the "
                                            "escalation amount, a cadre of a higher union.")
    async def approve_union_funds_payment(self, info: strawberry.Info,
                                          input: f.ApproveUnionFundsPaymentInput,
                                          ) -> f.ApproveUnionFundsPaymentPayload:
        return await r.approve_union_funds_payment(info, input.order_id)

    @gql_field(tier=Tier.MEMBER)
    async def refund_order(self, info: strawberry.Info, input: RefundOrderInput) -> t.OrderPayload:
        return await r.refund_order(info, input.order_id, input.reason)


PART = SchemaPart(
    query=MallQuery,
    mutation=MallMutation,
    member_fields=MallMemberFields,
)
