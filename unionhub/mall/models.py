"""Mall models. Money is integer fen; references into identity are plain ids (`member_id`,
`union_id`) so the mall stays separable as its own subgraph.

Invariants live in the database too: stock never negative, a campaign never issues past its
budget, a union's funds never spent or passed on past its allocation (CHECKs); one order per
idempotency key and member, a member's vouchers of a campaign numbered 1..limit, each provider
event applied once (UNIQUE)."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from unionhub.mall.enums import (
    CampaignKind,
    FundsEntryKind,  # noqa: F401  (re-exported: callers import it from here)
    OrderKind,
    OrderStatus,
    PaymentExceptionAction,
    PaymentExceptionKind,
    PaymentExceptionStatus,
    PaymentMethod,
    PaymentStatus,
    VoucherStatus,
)
from unionhub.mall.funds_models import (  # noqa: F401  (Tortoise finds the mall's models here)
    RootFundsProposal,
    UnionFundsBudget,
    UnionFundsEntry,
)


class Category(Model):
    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=40, unique=True)
    sort = fields.IntField(default=0)

    class Meta:
        table = "mall_categories"


class Supplier(Model):
    # A supplier from a poverty-alleviation region; `certified` is the 扶贫产品认定.
    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=100)
    region_code = fields.CharField(max_length=6, db_index=True)
    region_name = fields.CharField(max_length=60)
    certified = fields.BooleanField(default=False)
    certificate_no = fields.CharField(max_length=40, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mall_suppliers"


class Product(Model):
    id = fields.BigIntField(primary_key=True)
    supplier: fields.ForeignKeyRelation[Supplier] = fields.ForeignKeyField(
        "mall.Supplier", related_name="products", on_delete=fields.RESTRICT)
    supplier_id: int
    category: fields.ForeignKeyRelation[Category] = fields.ForeignKeyField(
        "mall.Category", related_name="products", on_delete=fields.RESTRICT)
    category_id: int
    name = fields.CharField(max_length=100)
    description = fields.TextField(default="")
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mall_products"
        indexes = (Index(fields=("category_id", "active")),)


class Sku(Model):
    id = fields.BigIntField(primary_key=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "mall.Product", related_name="skus", on_delete=fields.CASCADE)
    product_id: int
    name = fields.CharField(max_length=60)
    price_fen = fields.IntField()
    stock = fields.IntField(default=0)

    class Meta:
        table = "mall_skus"
        indexes = (Index(fields=("product_id",)),)
        constraints = (
            CheckConstraint(check="stock >= 0", name="mall_sku_stock_nonnegative"),
            CheckConstraint(check="price_fen > 0", name="mall_sku_price_positive"),
        )


class VoucherCampaign(Model):
    # Issued by an org for its subtree (`org_path` prefix). The budget buys `max_vouchers`
    # vouchers of the face value; `issued_count` rises only by a conditional update.
    id = fields.BigIntField(primary_key=True)
    org_id = fields.BigIntField(db_index=True)
    org_path = fields.CharField(max_length=255, db_index=True)
    name = fields.CharField(max_length=100)
    kind = fields.CharEnumField(CampaignKind, max_length=8)
    face_value_fen = fields.IntField()
    threshold_fen = fields.IntField(default=0)
    budget_fen = fields.BigIntField()
    max_vouchers = fields.IntField()
    issued_count = fields.IntField(default=0)
    per_member_limit = fields.IntField(default=1)
    claim_starts_at = fields.DatetimeField()
    claim_ends_at = fields.DatetimeField()
    # Validity: to a fixed date, or for N days after it is claimed/granted (whichever is set).
    valid_until = fields.DatetimeField(null=True)
    valid_days = fields.IntField(null=True)
    certified_only = fields.BooleanField(default=True)
    category_id = fields.BigIntField(null=True)
    created_by_id = fields.BigIntField()
    created_at = fields.DatetimeField(auto_now_add=True)
    # A GRANT campaign's progress: members up to `grant_cursor` (by id) have been considered.
    grant_requested = fields.BooleanField(default=False)
    grant_cursor = fields.BigIntField(default=0)
    grant_done = fields.BooleanField(default=False)

    class Meta:
        table = "mall_voucher_campaigns"
        constraints = (
            CheckConstraint(check="issued_count <= max_vouchers", name="mall_campaign_budget"),
            CheckConstraint(check="face_value_fen > 0", name="mall_campaign_face_positive"),
            CheckConstraint(check="per_member_limit >= 1", name="mall_campaign_limit_positive"),
        )


class Voucher(Model):
    # `seq` numbers a member's vouchers of a campaign 1..per_member_limit: the unique key makes
    # the per-member limit and a resumable grant hold in the database.
    id = fields.BigIntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[VoucherCampaign] = fields.ForeignKeyField(
        "mall.VoucherCampaign", related_name="vouchers", on_delete=fields.RESTRICT)
    campaign_id: int
    member_id = fields.BigIntField()
    seq = fields.IntField(default=1)
    status = fields.CharEnumField(VoucherStatus, max_length=10, default=VoucherStatus.AVAILABLE)
    issued_at = fields.DatetimeField()
    valid_until = fields.DatetimeField()
    order_id = fields.BigIntField(null=True)
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "mall_vouchers"
        unique_together = (("campaign_id", "member_id", "seq"),)
        indexes = (Index(fields=("member_id", "status")), Index(fields=("status", "valid_until")))


class Order(Model):
    id = fields.BigIntField(primary_key=True)
    member_id = fields.BigIntField()
    # The buyer's union at order time (a cadre's union-funds order: the union bought for):
    # scope checks and reports read these, so a later transfer does not move old orders.
    union_id = fields.BigIntField(db_index=True)
    union_path = fields.CharField(max_length=255)
    status = fields.CharEnumField(OrderStatus, max_length=16, default=OrderStatus.PENDING_PAYMENT)
    # db_default: rows placed before the column existed are personal orders.
    kind = fields.CharEnumField(OrderKind, max_length=10, default=OrderKind.PERSONAL,
                                db_default=OrderKind.PERSONAL)
    subtotal_fen = fields.IntField()
    discount_fen = fields.IntField(default=0)
    payable_fen = fields.IntField()
    voucher_id = fields.BigIntField(null=True)
    idempotency_key = fields.CharField(max_length=64)
    # A keyed hash of what the request asked for: a replayed key asks the same (idempotency).
    request_fingerprint = fields.CharField(max_length=64, null=True)
    address_enc = fields.TextField()  # recipient, phone, region, detail: personal data
    address_region = fields.CharField(max_length=6)
    payment_method = fields.CharEnumField(PaymentMethod, max_length=12, null=True)
    tracking_no = fields.CharField(max_length=40, null=True)
    expires_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)
    paid_at = fields.DatetimeField(null=True)
    shipped_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    refunded_at = fields.DatetimeField(null=True)

    class Meta:
        table = "mall_orders"
        unique_together = (("member_id", "idempotency_key"),)
        indexes = (Index(fields=("status", "expires_at")), Index(fields=("union_path",)),
                   Index(fields=("paid_at",)))
        constraints = (
            CheckConstraint(check="payable_fen >= 0 AND discount_fen >= 0 AND "
                                  "payable_fen = subtotal_fen - discount_fen",
                            name="mall_order_amounts"),
        )


class OrderItem(Model):
    id = fields.BigIntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "mall.Order", related_name="items", on_delete=fields.CASCADE)
    order_id: int
    sku_id = fields.BigIntField()
    product_id = fields.BigIntField()
    supplier_id = fields.BigIntField()
    supplier_region = fields.CharField(max_length=6)
    certified = fields.BooleanField()
    name = fields.CharField(max_length=170)
    unit_price_fen = fields.IntField()
    quantity = fields.IntField()
    line_fen = fields.IntField()

    class Meta:
        table = "mall_order_items"
        indexes = (Index(fields=("order_id",)),)
        constraints = (CheckConstraint(check="quantity > 0", name="mall_item_quantity_positive"),)


class OrderEvent(Model):
    # Every change of an order: the audit trail and the support view. Append-only.
    id = fields.BigIntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "mall.Order", related_name="events", on_delete=fields.CASCADE)
    order_id: int
    at = fields.DatetimeField(auto_now_add=True)
    actor_id = fields.BigIntField(null=True)
    kind = fields.CharField(max_length=32)
    from_status = fields.CharField(max_length=16, null=True)
    to_status = fields.CharField(max_length=16, null=True)
    detail: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)

    class Meta:
        table = "mall_order_events"
        indexes = (Index(fields=("order_id",)),)


class Payment(Model):
    id = fields.BigIntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "mall.Order", related_name="payments", on_delete=fields.RESTRICT)
    order_id: int
    method = fields.CharEnumField(PaymentMethod, max_length=12)
    # "stripe", "wechatpay", "alipay" (online), "union_funds", or "none" (nothing to collect)
    provider = fields.CharField(max_length=16)
    # Stripe's PaymentIntent id, our out_trade_no for WeChat Pay and Alipay.
    provider_ref = fields.CharField(max_length=64, null=True, unique=True)
    amount_fen = fields.IntField()
    status = fields.CharEnumField(PaymentStatus, max_length=16,
                                  default=PaymentStatus.REQUIRES_PAYMENT)
    confirmed_by_id = fields.BigIntField(null=True)
    refund_ref = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    succeeded_at = fields.DatetimeField(null=True)
    checked_at = fields.DatetimeField(null=True)  # last asked about (reconciling, closing)
    # Reconciliation asks again at `next_check_at`, backing off with `check_count`.
    next_check_at = fields.DatetimeField(null=True)
    check_count = fields.IntField(default=0)
    refund_requested_at = fields.DatetimeField(null=True)
    # Refunds asked of the rail for this payment: a retry after a failed refund is a new
    # refund at the rail (its own out_refund_no), never the failed one again.
    refund_attempt = fields.IntField(default=1)
    # Given back so far as the rail told us (ours or its dashboard's): mall/refunded.py. In
    # paid_currency's minor units when the rail took another currency.
    refunded_fen = fields.IntField(default=0, db_default=0)
    # Money taken in another currency than cny (being refunded): what arrived, in its
    # currency's minor units. NULL for every payment in cny.
    paid_currency = fields.CharField(max_length=8, null=True)
    paid_amount = fields.BigIntField(null=True)

    class Meta:
        table = "mall_payments"
        unique_together = (("order_id", "method"),)


class PaymentException(Model):
    # The OPERATOR's queue of money that needs a person. `open_key` is set while OPEN and
    # unique, so one problem opens one exception however often it is noticed; resolving
    # clears it, so the same problem recurring later opens a new one.
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharEnumField(PaymentExceptionKind, max_length=16)
    status = fields.CharEnumField(PaymentExceptionStatus, max_length=10,
                                  default=PaymentExceptionStatus.OPEN)
    open_key = fields.CharField(max_length=100, null=True, unique=True)
    payment_id = fields.BigIntField(null=True, db_index=True)
    order_id = fields.BigIntField(null=True)
    provider = fields.CharField(max_length=16)
    provider_ref = fields.CharField(max_length=64, null=True)
    amount_fen = fields.IntField(null=True)
    reason = fields.CharField(max_length=200)  # the rail's code or our words; no personal data
    created_at = fields.DatetimeField(auto_now_add=True)
    resolved_at = fields.DatetimeField(null=True)
    resolved_by_id = fields.BigIntField(null=True)
    resolution = fields.CharEnumField(PaymentExceptionAction, max_length=16, null=True)
    note = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "mall_payment_exceptions"
        indexes = (Index(fields=("status", "id")),)


class SandboxTrade(Model):
    # The sandbox rail's own ledger (development only): what a real rail keeps on its side.
    # Kept in the database so that the server, the pay page and `unionhub sandbox` agree.
    id = fields.BigIntField(primary_key=True)
    out_trade_no = fields.CharField(max_length=64, unique=True)
    amount_fen = fields.IntField()
    # NOTPAY, SUCCESS, FAILED (payer's attempt failed), CLOSED (closed by us or the payer)
    status = fields.CharField(max_length=10, default="NOTPAY")
    paid_fen = fields.IntField(null=True)
    refund_status = fields.CharField(max_length=10, null=True)  # PROCESSING, SUCCESS, FAILED
    refund_no = fields.CharField(max_length=64, null=True)
    expires_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mall_sandbox_trades"


class ProviderEvent(Model):
    # Each provider (webhook) event is applied once: the insert of its id is the gate.
    id = fields.BigIntField(primary_key=True)
    provider = fields.CharField(max_length=16)
    event_id = fields.CharField(max_length=64)
    type = fields.CharField(max_length=64)
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mall_provider_events"
        unique_together = (("provider", "event_id"),)


class SalesDay(Model):
    # The report's per-union summary (mall.sales_summary): one row per union path, union and
    # Shanghai day of payment (grain D), and per month (grain M, `day` its first day); moved
    # by the same transaction as the order's status.
    id = fields.BigIntField(primary_key=True)
    union_path = fields.CharField(max_length=255)
    union_id = fields.BigIntField()
    grain = fields.CharField(max_length=1)
    day = fields.DateField()
    order_count = fields.IntField(default=0)
    sales_fen = fields.BigIntField(default=0)  # orders' subtotals
    discount_fen = fields.BigIntField(default=0)
    voucher_sales_fen = fields.BigIntField(default=0)  # subtotals of orders with a voucher
    line_fen = fields.BigIntField(default=0)  # lines' sum (the per-union ranking)
    certified_fen = fields.BigIntField(default=0)

    class Meta:
        table = "mall_sales_days"
        unique_together = (("union_path", "union_id", "grain", "day"),)
        indexes = (Index(fields=("grain", "day")),)  # a province's (every path's) period


class RegionSalesDay(Model):
    # The same per supplier region: orders with a line of the region, and those lines' sum.
    id = fields.BigIntField(primary_key=True)
    union_path = fields.CharField(max_length=255)
    region_code = fields.CharField(max_length=6)
    grain = fields.CharField(max_length=1)
    day = fields.DateField()
    order_count = fields.IntField(default=0)
    line_fen = fields.BigIntField(default=0)

    class Meta:
        table = "mall_region_sales_days"
        unique_together = (("union_path", "region_code", "grain", "day"),)
        indexes = (Index(fields=("grain", "day")),)
