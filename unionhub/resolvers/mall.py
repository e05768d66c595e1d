"""The mall's root resolvers: read arguments, call the domain, shape the payload."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from unionhub.db_replicas import replica_read
from unionhub.errors import NotFound
from unionhub.fastpath.attached_rows import Children, Parent
from unionhub.fastpath.one_trip import together
from unionhub.identity import orgs
from unionhub.identity.access import require_authenticated
from unionhub.mall import (
    campaigns,
    catalogue,
    claims,
    funds_allocation,
    orders,
    payments,
    placing,
    reconciliation,
    refund_orders,
    report,
    union_funds,
    vouchers,
)
from unionhub.mall.access import require_mall_manager
from unionhub.mall.models import (
    CampaignKind,
    OrderItem,
    OrderKind,
    OrderStatus,
    PaymentMethod,
    VoucherCampaign,
    VoucherStatus,
)
from unionhub.mall.providers.base import PayChannel
from unionhub.observability.tracing import traced
from unionhub.schema import mall_funds as f
from unionhub.schema import mall_payloads as payloads
from unionhub.schema import mall_report_types as rt
from unionhub.schema import mall_types as t
from unionhub.schema.errors import payload
from unionhub.schema.relay import (
    AFTER_HELP,
    BEFORE_HELP,
    FIRST_HELP,
    LAST_HELP,
    After,
    Before,
    Connection,
    First,
    Last,
    connection,
    keyset_page,
)


def _id(value: str | None, field: str) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound("no such id", field=field) from None


# --- queries -------------------------------------------------------------------------------

@traced("resolve products")
@replica_read
async def products(info: strawberry.Info,
                   category_id: Annotated[strawberry.ID | None, strawberry.argument(description=(
                       "Only this category."))] = None,
                   search: Annotated[str | None, strawberry.argument(description=(
                       "Part of the product's name, its supplier's name or the supplier's region "
                       "name, case-insensitive."))] = None,
                   first: First = None, after: After = None, last: Last = None,
                   before: Before = None) -> Connection[t.Product]:
    qs = catalogue.search_products(_id(category_id, "categoryId"), search)
    rows, page = await keyset_page(qs, first, after, last=last, before=before)
    return connection([t.Product.of(r) for r in rows], [r.id for r in rows], page)


async def product(info: strawberry.Info,
                  id: Annotated[strawberry.ID, strawberry.argument(description=(
                      "The product's id."))]) -> t.Product | None:
    try:
        row = await catalogue.get_product(int(id))
    except ValueError:
        return None
    return t.Product.of(row) if row else None


@replica_read
async def categories(info: strawberry.Info) -> list[t.Category]:
    return [t.Category.of(c) for c in await catalogue.categories()]


@replica_read
async def suppliers(info: strawberry.Info) -> list[t.Supplier]:
    return [t.Supplier.of(s) for s in await catalogue.suppliers()]


@replica_read
async def voucher_campaigns(info: strawberry.Info, first: First = None, after: After = None,
                            last: Last = None, before: Before = None,
                            ) -> Connection[t.VoucherCampaign]:
    """Campaigns open to the caller: their scope holds the caller's union, window open."""
    rec = await info.context.caller_record()
    qs = campaigns.open_campaigns(rec.union_path if rec else None)
    rows, page = await keyset_page(qs, first, after, newest_first=True, last=last,
                                   before=before)
    return connection([t.VoucherCampaign.of(r) for r in rows], [r.id for r in rows], page)


async def my_vouchers(info: strawberry.Info,
                      status: Annotated[t.VoucherStatusEnum | None, strawberry.argument(description=(
                          "Only this status (as shown now); null for all."))] = None,
                      ) -> list[t.Voucher]:
    member_id = require_authenticated(info.context.principal)
    wanted = VoucherStatus(status) if status is not None else None
    campaigns = Parent(VoucherCampaign, "campaign_id")  # read with the vouchers
    with together(info):  # one statement with the request's other lists
        rows = await vouchers.stored_candidate_rows(member_id, wanted, campaigns)
    rec = await info.context.caller_record()
    return await t.shown_vouchers(info, rows, rec.union_path if rec else "", wanted,
                                  campaigns.found)


async def my_orders(info: strawberry.Info, first: First = None, after: After = None,
                    last: Last = None, before: Before = None) -> Connection[t.Order]:
    member_id = require_authenticated(info.context.principal)
    items = Children(OrderItem, "order_id")  # the lines read with the page
    rows, page = await keyset_page(orders.member_orders(member_id), first, after,
                                   newest_first=True, last=last, before=before, attach=items)
    return connection([t.Order.of(r, items.found.get(r.id)) for r in rows],
                      [r.id for r in rows], page)


async def order(info: strawberry.Info,
                id: Annotated[strawberry.ID, strawberry.argument(description=(
                    "The order's id."))]) -> t.Order | None:
    """The buyer, or a cadre whose scope holds the order's union; null otherwise."""
    require_authenticated(info.context.principal)  # (before the id is read)
    try:
        order_id = int(id)
    except ValueError:
        return None
    row = await orders.visible_order(info.context.principal, order_id)
    return t.Order.of(row) if row else None


async def mall_orders(info: strawberry.Info,
                      union_id: Annotated[strawberry.ID, strawberry.argument(description=(
                          "A union in the cadre's scope: its subtree's orders."))],
                      status: Annotated[t.OrderStatusEnum | None, strawberry.argument(description=(
                          "Only this status."))] = None,
                      first: First = None,
                      after: After = None,
                      kind: Annotated[t.OrderKindEnum | None, strawberry.argument(description=(
                          "Only this kind."))] = None,
                      last: Last = None, before: Before = None,
                      ) -> Connection[t.Order]:
    """Orders of a union's subtree (mall.orders.subtree_orders)."""
    union = await orgs.get_union(_id(union_id, "unionId"))
    qs = orders.subtree_orders(info.context.principal, union.path,
                               OrderStatus(status) if status is not None else None,
                               OrderKind(kind) if kind is not None else None)
    # No totalCount: a province's subtree holds millions of orders.
    rows, page = await keyset_page(qs, first, after, newest_first=True, count=False,
                                   last=last, before=before)
    return connection([t.Order.of(r) for r in rows], [r.id for r in rows], page)


async def mall_report(info: strawberry.Info, union_id: strawberry.ID, from_: date,
                      to: date) -> rt.MallReport:
    data = await report.mall_report(info.context.principal, _id(union_id, "unionId"), from_, to)
    return rt.MallReport.of(data)


# --- mutations -----------------------------------------------------------------------------

async def create_supplier(info: strawberry.Info, name: str, region_code: str, region_name: str,
                          certified: bool, certificate_no: str | None) -> payloads.SupplierPayload:
    require_mall_manager(info.context.principal)
    return await payload(payloads.SupplierPayload, catalogue.create_supplier(
        name=name, region_code=region_code, region_name=region_name, certified=certified,
        certificate_no=certificate_no), lambda s: {"supplier": t.Supplier.of(s)})


async def create_category(info: strawberry.Info, name: str, sort: int) -> payloads.CategoryPayload:
    require_mall_manager(info.context.principal)
    return await payload(payloads.CategoryPayload, catalogue.create_category(name, sort),
                         lambda c: {"category": t.Category.of(c)})


async def create_product(info: strawberry.Info, supplier_id: str, category_id: str, name: str,
                         description: str, skus: list[catalogue.SkuSpec]) -> payloads.ProductPayload:
    require_mall_manager(info.context.principal)

    async def work():
        return await catalogue.create_product(
            supplier_id=_id(supplier_id, "supplierId"), category_id=_id(category_id, "categoryId"),
            name=name, description=description, skus=skus)
    return await payload(payloads.ProductPayload, work(), lambda p: {"product": t.Product.of(p)})


async def restock_sku(info: strawberry.Info, sku_id: str, delta: int) -> payloads.SkuPayload:
    require_mall_manager(info.context.principal)

    async def work():
        return await catalogue.restock(_id(sku_id, "skuId"), delta)
    return await payload(payloads.SkuPayload, work(), lambda s: {"sku": t.Sku.of(s)})


async def create_voucher_campaign(info: strawberry.Info, spec_args: dict,
                                  ) -> payloads.VoucherCampaignPayload:
    async def work():
        spec = campaigns.CampaignSpec(
            org_id=_id(spec_args.pop("union_id"), "unionId"),
            category_id=_id(spec_args.pop("category_id"), "categoryId"),
            kind=CampaignKind(spec_args.pop("kind")), **spec_args)
        return await campaigns.create_campaign(info.context.principal, spec)
    return await payload(payloads.VoucherCampaignPayload, work(),
                         lambda c: {"campaign": t.VoucherCampaign.of(c)})


async def grant_vouchers(info: strawberry.Info, campaign_id: str) -> payloads.GrantVouchersPayload:
    async def work():
        return await campaigns.grant_vouchers(info.context.principal,
                                              _id(campaign_id, "campaignId"))
    return await payload(payloads.GrantVouchersPayload, work(), lambda p: {
        "campaign": t.VoucherCampaign.of(p.campaign), "granted": p.granted, "done": p.done})


@traced("resolve claimVoucher")
async def claim_voucher(info: strawberry.Info, campaign_id: str) -> payloads.VoucherPayload:
    member_id = require_authenticated(info.context.principal)
    record = await info.context.caller_record()
    claims.require_claimant(record)

    async def work():
        return await claims.claim_voucher(member_id, _id(campaign_id, "campaignId"),
                                          record=record)
    return await payload(payloads.VoucherPayload, work(), lambda v: {"voucher": t.Voucher.of(v)})


@traced("resolve placeOrder")
async def place_order(info: strawberry.Info, items: list[placing.ItemSpec],
                      address: orders.Address, idempotency_key: str,
                      voucher_id: str | None, for_union_id: str | None) -> payloads.OrderPayload:
    async def work():
        # The caller's record is in the request's loader already (the tier check read it).
        return await placing.place_order(
            info.context.principal, items=items, address=address,
            idempotency_key=idempotency_key, voucher_id=_id(voucher_id, "voucherId"),
            for_union_id=_id(for_union_id, "forUnionId"),
            record=await info.context.caller_record())
    return await payload(payloads.OrderPayload, work(), lambda o: {"order": t.Order.of(o)})


@traced("resolve payOrder")
async def pay_order(info: strawberry.Info, order_id: str, method: PaymentMethod,
                    channel: PayChannel, payer_open_id: str | None) -> payloads.PaymentPayload:
    async def work():
        return await payments.pay_order(info.context.principal, _id(order_id, "orderId"),
                                        PaymentMethod(method), PayChannel(channel),
                                        payer_open_id)
    return await payload(payloads.PaymentPayload, work(), lambda r: {
        "payment": t.Payment.of(r.payment), "order": t.Order.of(r.order),
        "checkout": payloads.PaymentCheckout.of(r.payment.provider, r.checkout) if r.checkout else None,
        "client_secret": r.checkout.client_secret if r.checkout else None})



def _order_payload(work) -> object:
    return payload(payloads.OrderPayload, work, lambda o: {"order": t.Order.of(o)})


async def cancel_order(info: strawberry.Info, order_id: str) -> payloads.OrderPayload:
    async def work():
        return await reconciliation.cancel_order(info.context.principal,
                                                 _id(order_id, "orderId"))
    return await _order_payload(work())


async def ship_order(info: strawberry.Info, order_id: str, tracking_no: str) -> payloads.OrderPayload:
    async def work():
        return await orders.ship_order(info.context.principal, _id(order_id, "orderId"),
                                       tracking_no)
    return await _order_payload(work())


async def confirm_receipt(info: strawberry.Info, order_id: str) -> payloads.OrderPayload:
    async def work():
        return await orders.confirm_receipt(info.context.principal, _id(order_id, "orderId"))
    return await _order_payload(work())


async def refund_order(info: strawberry.Info, order_id: str,
                       reason: str | None) -> payloads.OrderPayload:
    async def work():
        return await refund_orders.refund_order(info.context.principal, _id(order_id, "orderId"),
                                           reason)
    return await _order_payload(work())


# --- union funds (工会经费集采) -------------------------------------------------------------

async def allocate_union_funds(info: strawberry.Info, union_id: str, year: int,
                               amount_fen: int) -> f.AllocateUnionFundsPayload:
    async def work():
        return await funds_allocation.allocate(info.context.principal,
                                               _id(union_id, "unionId"), year, amount_fen)
    return await payload(f.AllocateUnionFundsPayload, work(),
                         lambda b: {"budget": f.UnionFundsBudget.of(b)})


async def approve_union_funds_payment(info: strawberry.Info,
                                      order_id: str) -> f.ApproveUnionFundsPaymentPayload:
    async def work():
        return await union_funds.approve_payment(info.context.principal,
                                                 _id(order_id, "orderId"))
    return await payload(f.ApproveUnionFundsPaymentPayload, work(), lambda r: {
        "order": t.Order.of(r[0]), "payment": t.Payment.of(r[1])})


async def union_funds_ledger(info: strawberry.Info,
                             union_id: Annotated[strawberry.ID, strawberry.argument(description=(
                                 "A union in the cadre's scope."))],
                             year: Annotated[int, strawberry.argument(description=(
                                 "The budget year."))],
                             first: Annotated[int | None, strawberry.argument(
                                 description="`entries`: " + FIRST_HELP)] = None,
                             after: Annotated[str | None, strawberry.argument(
                                 description="`entries`: " + AFTER_HELP)] = None,
                             last: Annotated[int | None, strawberry.argument(
                                 description="`entries`: " + LAST_HELP)] = None,
                             before: Annotated[str | None, strawberry.argument(
                                 description="`entries`: " + BEFORE_HELP)] = None,
                             ) -> f.UnionFundsLedger:
    """A union's funds for a year: cadres whose scope holds the union."""
    ledger = await union_funds.ledger(info.context.principal, _id(union_id, "unionId"), year)
    rows, page = await keyset_page(ledger.entries, first, after, newest_first=True, last=last,
                                   before=before)
    entries = connection([f.UnionFundsEntry.of(r) for r in rows], [r.id for r in rows], page)
    return f.UnionFundsLedger.of(ledger, entries)
