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
from unionhub.resolvers import mall_pages as rp
from unionhub.schema import mall_enum_docs  # noqa: F401  (describes the enums' values)
from unionhub.schema import mall_funds as f
from unionhub.schema import mall_payloads as payloads
from unionhub.schema import mall_report_types as rt
from unionhub.schema import mall_types as t
from unionhub.schema.builder import SchemaPart
from unionhub.schema.mall_member_fields import MallMemberFields
from unionhub.schema.mall_payments import PaymentExceptionMutation, PaymentExceptionQuery
from unionhub.schema.mall_root_funds import RootFundsMutation, RootFundsQuery
from unionhub.schema.permissions import gql_field
from unionhub.schema.relay import MAX_PAGE, Connection, replaced_by


@strawberry.input(description="A variant of a new product.")
class SkuInput:
    name: str = strawberry.field(description="1–60 characters.")
    price_fen: int = strawberry.field(description="Unit price in fen (分, 1/100 yuan): 1 to "
                                                  "10,000,000 (PRICE_OUT_OF_RANGE).")
    stock: int = strawberry.field(default=0, description="Units in stock; not negative.")


@strawberry.input(description="A new supplier.")
class CreateSupplierInput:
    name: str = strawberry.field(description="1–100 characters.")
    region_code: str = strawberry.field(description="6-digit GB/T 2260 region code.")
    region_name: str = strawberry.field(description="The region's name, 2–60 characters.")
    certified: bool = strawberry.field(description="A certified poverty-alleviation (扶贫) "
                                                   "supplier: needs certificateNo.")
    certificate_no: str | None = strawberry.field(
        default=None, description="The 扶贫 certificate's number: required when certified.")


@strawberry.input(description="A new product category.")
class CreateCategoryInput:
    name: str = strawberry.field(description="1–40 characters.")
    sort: int = strawberry.field(default=0, description="Lists show categories by sort, then "
                                                        "id.")


@strawberry.input(description="A new product with its SKUs.")
class CreateProductInput:
    supplier_id: strawberry.ID = strawberry.field(description="An existing supplier.")
    category_id: strawberry.ID = strawberry.field(description="An existing category.")
    name: str = strawberry.field(description="1–100 characters.")
    description: str = strawberry.field(default="", description="Plain text.")
    skus: list[SkuInput] = strawberry.field(description="At least one (SKUS_REQUIRED).")


@strawberry.input(description="A stock correction.")
class RestockSkuInput:
    sku_id: strawberry.ID = strawberry.field(description="The SKU.")
    delta: int = strawberry.field(description="Units to add (negative: remove); not zero, "
                                              "and stock may not go below 0.")


@strawberry.input(description="A new voucher campaign. Amounts in fen (分, 1/100 yuan).")
class CreateVoucherCampaignInput:
    union_id: strawberry.ID = strawberry.field(description="A union in the cadre's scope: "
                                                           "its subtree's members qualify.")
    name: str = strawberry.field(description="2–100 characters.")
    kind: t.CampaignKindEnum = strawberry.field(description="CLAIM or GRANT.")
    face_value_fen: int = strawberry.field(description="Each voucher's value; positive.")
    threshold_fen: int = strawberry.field(
        default=0, description="Least order subtotal; 0 (none) or at least the face value.")
    budget_fen: int = strawberry.field(
        description="A whole number of vouchers (a multiple of the face value), at most "
                    "10,000,000 vouchers.")
    per_member_limit: int = strawberry.field(default=1, description="1–100; 1 for GRANT.")
    claim_starts_at: datetime = strawberry.field(description="The claim window opens (an "
                                                             "instant with its offset).")
    claim_ends_at: datetime = strawberry.field(description="The claim window closes: after "
                                                           "it opens, in the future.")
    valid_until: datetime | None = strawberry.field(
        default=None, description="Vouchers expire then (not before claimEndsAt). Give "
                                  "exactly one of validUntil and validDays.")
    valid_days: int | None = strawberry.field(
        default=None, description="Vouchers expire 1–366 days after issue.")
    certified_only: bool = strawberry.field(default=True, description="Only for certified "
                                                                      "(扶贫) suppliers.")
    category_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only for this category; null: any.")


@strawberry.input(description="The GRANT campaign to issue.")
class GrantVouchersInput:
    campaign_id: strawberry.ID = strawberry.field(description="A GRANT campaign in scope.")


@strawberry.input(description="The campaign to claim from.")
class ClaimVoucherInput:
    campaign_id: strawberry.ID = strawberry.field(description="A CLAIM campaign of a union "
                                                              "above the member's.")


@strawberry.input(description="One line of a new order.")
class OrderItemInput:
    sku_id: strawberry.ID = strawberry.field(description="The SKU (SKU_NOT_FOUND).")
    quantity: int = strawberry.field(description="1–99 (a UNION_BULK order: up to "
                                                 "UNIONHUB_UNION_BULK_MAX_QUANTITY); lines of "
                                                 "the same SKU are merged.")


@strawberry.input(description="Where to deliver.")
class AddressInput:
    recipient: str = strawberry.field(description="1–40 characters, trimmed.")
    phone: str = strawberry.field(description="11-digit mainland mobile number.")
    region_code: str = strawberry.field(description="6-digit GB/T 2260 region code.")
    detail: str = strawberry.field(description="Street address, 2–200 characters.")


@strawberry.input(description="A new order.")
class PlaceOrderInput:
    items: list[OrderItemInput] = strawberry.field(description="1–20 lines (ITEM_COUNT).")
    address: AddressInput = strawberry.field(description="The delivery address.")
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)
    voucher_id: strawberry.ID | None = strawberry.field(
        default=None, description="An AVAILABLE voucher of the caller's that applies to the "
                                  "cart; it is LOCKED until the order is paid or cancelled.")
    for_union_id: strawberry.ID | None = strawberry.field(
        default=None, description="工会经费集采: a cadre buying for a union in scope makes a "
                                  "UNION_BULK order, paid from the union's funds when a second "
                                  "cadre approves it (approveUnionFundsPayment).")


@strawberry.input(description="Paying an order.")
class PayOrderInput:
    order_id: strawberry.ID = strawberry.field(description="A PENDING_PAYMENT order of the "
                                                           "caller's.")
    method: t.PaymentMethodEnum = strawberry.field(description="The rail (UNION_FUNDS is "
                                                               "refused: see approveUnion"
                                                               "FundsPayment).")
    channel: t.PaymentChannelEnum = strawberry.field(
        default=t.PayChannel.DEFAULT, description="The rail's way of paying.")
    payer_open_id: str | None = strawberry.field(
        default=None, description="WeChat Pay JSAPI / MINI_PROGRAM: the payer's openid.")


@strawberry.input(description="The order to cancel.")
class CancelOrderInput:
    order_id: strawberry.ID = strawberry.field(description="An unpaid order of the caller's.")


@strawberry.input(description="A shipment.")
class ShipOrderInput:
    order_id: strawberry.ID = strawberry.field(description="A PAID order.")
    tracking_no: str = strawberry.field(description="The carrier's number, 4–40 characters.")


@strawberry.input(description="The order received.")
class ConfirmReceiptInput:
    order_id: strawberry.ID = strawberry.field(description="A SHIPPED order of the caller's.")


@strawberry.input(description="The order to refund.")
class RefundOrderInput:
    order_id: strawberry.ID = strawberry.field(description="A PAID order of the caller's (mall "
                                                           "staff: also SHIPPED or COMPLETED).")
    reason: str | None = strawberry.field(default=None, description="Why, for the records.")


async def _mall_report(info: strawberry.Info,
                       union_id: Annotated[strawberry.ID, strawberry.argument(
                           description="A union in the cadre's scope.")],
                       from_: Annotated[date, strawberry.argument(
                           name="from", description="First day (Asia/Shanghai).")],
                       to: Annotated[date, strawberry.argument(
                           description="Last day, inclusive (Asia/Shanghai).")],
                       ) -> rt.MallReport:
    return await r.mall_report(info, union_id, from_, to)


@strawberry.type
class MallQuery(PaymentExceptionQuery, RootFundsQuery):
    products: Connection[t.Product] = gql_field(resolver=r.products,
                                                description="The catalogue, by id. Public.")
    product: t.Product | None = gql_field(resolver=r.product,
                                          description="A product by id; null if none. Public.")
    categories: list[t.Category] = gql_field(
        resolver=r.categories,
        description="Every category, by sort order: a plain list, small by nature (the "
                    "catalogue's top-level shelves, a few dozen at most). Public.")
    suppliers: list[t.Supplier] = gql_field(
        resolver=r.suppliers, description="Every supplier, by id, in one list. Public.",
        deprecation_reason=replaced_by("suppliersConnection"))
    suppliers_connection: Connection[t.Supplier] = gql_field(
        resolver=rp.suppliers_connection,
        description=f"The suppliers, by id, paged both ways (at most {MAX_PAGE} a page). "
                    "Public.")
    voucher_campaigns: Connection[t.VoucherCampaign] = gql_field(
        tier=Tier.MEMBER, resolver=r.voucher_campaigns,
        description="Campaigns open to the caller: scope holds the caller's union, window open.")
    my_vouchers: list[t.Voucher] = gql_field(
        tier=Tier.VERIFIED, resolver=r.my_vouchers,
        description="The caller's newest 200 vouchers (before the status filter), newest "
                    "first.", deprecation_reason=replaced_by("myVouchersConnection"))
    my_vouchers_connection: Connection[t.Voucher] = gql_field(
        tier=Tier.VERIFIED, resolver=rp.my_vouchers_connection,
        description="The caller's vouchers, newest first, with the status shown now (expiry "
                    "and the caller's scope decide AVAILABLE, EXPIRED, VOID); `status` keeps "
                    f"those shown with it. At most {MAX_PAGE} a page.")
    my_orders: Connection[t.Order] = gql_field(tier=Tier.VERIFIED, resolver=r.my_orders,
                                               description="The caller's orders, newest first.")
    order: t.Order | None = gql_field(
        tier=Tier.MEMBER, resolver=r.order,
        description="An order of the caller's, or in a cadre's scope; null otherwise.")
    mall_orders: Connection[t.Order] = gql_field(
        tier=Tier.CADRE, resolver=r.mall_orders,
        description="Orders of a union's subtree, newest first: cadres whose scope holds it. "
                    "kind: UNION_BULK with status: PENDING_PAYMENT lists the bulk orders "
                    f"awaiting a second cadre's approval. At most {MAX_PAGE} a page; "
                    "totalCount is null (a province's subtree holds millions of orders).")
    mall_report: rt.MallReport = gql_field(
        tier=Tier.CADRE, resolver=_mall_report,
        description="The mall report of a union's subtree: cadres whose scope holds it.")
    union_funds_ledger: f.UnionFundsLedger = gql_field(
        tier=Tier.CADRE, resolver=r.union_funds_ledger,
        description="A union's union funds for a year (allocations, spending, returns): cadres "
                    "whose scope holds the union.")


@strawberry.type
class MallMutation(PaymentExceptionMutation, RootFundsMutation):
    @gql_field(tier=Tier.CADRE, description="Adds a supplier (mall staff).")
    async def create_supplier(self, info: strawberry.Info,
                              input: CreateSupplierInput) -> payloads.SupplierPayload:
        return await r.create_supplier(info, input.name, input.region_code, input.region_name,
                                       input.certified, input.certificate_no)

    @gql_field(tier=Tier.CADRE, description="Adds a category (mall staff).")
    async def create_category(self, info: strawberry.Info,
                              input: CreateCategoryInput) -> payloads.CategoryPayload:
        return await r.create_category(info, input.name, input.sort)

    @gql_field(tier=Tier.CADRE, description="Adds a product with its SKUs (mall staff).")
    async def create_product(self, info: strawberry.Info,
                             input: CreateProductInput) -> payloads.ProductPayload:
        return await r.create_product(
            info, input.supplier_id, input.category_id, input.name, input.description,
            [SkuSpec(s.name, s.price_fen, s.stock) for s in input.skus])

    @gql_field(tier=Tier.CADRE, description="Changes a SKU's stock (mall staff).")
    async def restock_sku(self, info: strawberry.Info, input: RestockSkuInput) -> payloads.SkuPayload:
        return await r.restock_sku(info, input.sku_id, input.delta)

    @gql_field(tier=Tier.CADRE, description="Starts a voucher campaign for a union in scope.")
    async def create_voucher_campaign(self, info: strawberry.Info,
                                      input: CreateVoucherCampaignInput,
                                      ) -> payloads.VoucherCampaignPayload:
        args = {k: getattr(input, k) for k in (
            "union_id", "name", "kind", "face_value_fen", "threshold_fen", "budget_fen",
            "per_member_limit", "claim_starts_at", "claim_ends_at", "valid_until", "valid_days",
            "certified_only", "category_id")}
        return await r.create_voucher_campaign(info, args)

    @gql_field(tier=Tier.CADRE, description="Issues a GRANT campaign's vouchers, a batch per "
                                            "call; a worker finishes what one call leaves.")
    async def grant_vouchers(self, info: strawberry.Info,
                             input: GrantVouchersInput) -> payloads.GrantVouchersPayload:
        return await r.grant_vouchers(info, input.campaign_id)

    @gql_field(tier=Tier.MEMBER, description="Verified members with an active card, and "
               "verified workers in the holding pool (NOT_VERIFIED otherwise).")
    async def claim_voucher(self, info: strawberry.Info,
                            input: ClaimVoucherInput) -> payloads.VoucherPayload:
        return await r.claim_voucher(info, input.campaign_id)

    @gql_field(tier=Tier.VERIFIED, description="Places an order: stock (and the voucher) are "
                                               "held until it is paid, 30 minutes at most. "
                                               "Idempotent by idempotencyKey.")
    async def place_order(self, info: strawberry.Info, input: PlaceOrderInput) -> payloads.OrderPayload:
        items = [ItemSpec(int(i.sku_id) if str(i.sku_id).isdigit() else -1, i.quantity)
                 for i in input.items]
        a = input.address
        return await r.place_order(info, items, Address(a.recipient, a.phone, a.region_code,
                                                        a.detail),
                                   input.idempotency_key, input.voucher_id, input.for_union_id)

    @gql_field(tier=Tier.VERIFIED, description="Starts paying an order at a rail; the order is "
                                               "PAID when the rail confirms (webhook).")
    async def pay_order(self, info: strawberry.Info, input: PayOrderInput) -> payloads.PaymentPayload:
        return await r.pay_order(info, input.order_id, input.method, input.channel,
                                 input.payer_open_id)

    @gql_field(tier=Tier.MEMBER, description="Cancels an unpaid order; stock and voucher come "
                                             "back.")
    async def cancel_order(self, info: strawberry.Info, input: CancelOrderInput) -> payloads.OrderPayload:
        return await r.cancel_order(info, input.order_id)

    @gql_field(tier=Tier.CADRE, description="Marks a paid order shipped (mall staff).")
    async def ship_order(self, info: strawberry.Info, input: ShipOrderInput) -> payloads.OrderPayload:
        return await r.ship_order(info, input.order_id, input.tracking_no)

    @gql_field(tier=Tier.MEMBER, description="The buyer confirms receipt: COMPLETED.")
    async def confirm_receipt(self, info: strawberry.Info,
                              input: ConfirmReceiptInput) -> payloads.OrderPayload:
        return await r.confirm_receipt(info, input.order_id)

    @gql_field(tier=Tier.CADRE, description="A union's yearly union funds, added to by a cadre "
                                            "of its parent union (the root union's: "
                                            "proposeRootUnionFunds).")
    async def allocate_union_funds(self, info: strawberry.Info,
                                   input: f.AllocateUnionFundsInput,
                                   ) -> f.AllocateUnionFundsPayload:
        return await r.allocate_union_funds(info, input.union_id, input.year, input.amount_fen)

    @gql_field(tier=Tier.CADRE, description="The checker's approval that pays a UNION_BULK order "
                                            "from its union's funds of this year: a cadre in "
                                            "scope other than the one who placed it; above the "
                                            "escalation amount (this order plus what the "
                                            "union's own cadres approved in the recent "
                                            "window), a cadre of a higher union.")
    async def approve_union_funds_payment(self, info: strawberry.Info,
                                          input: f.ApproveUnionFundsPaymentInput,
                                          ) -> f.ApproveUnionFundsPaymentPayload:
        return await r.approve_union_funds_payment(info, input.order_id)

    @gql_field(tier=Tier.MEMBER, description="Refunds a paid order: the buyer before it ships, "
                                             "the mall's staff later too.")
    async def refund_order(self, info: strawberry.Info, input: RefundOrderInput) -> payloads.OrderPayload:
        return await r.refund_order(info, input.order_id, input.reason)


PART = SchemaPart(
    query=MallQuery,
    mutation=MallMutation,
    member_fields=MallMemberFields,
)
