"""Descriptions of the mall enums' values (issue 24, point 5), kept out of mall_types.py
for its length; imported by the mall subgraph (schema/mall.py)."""

from __future__ import annotations

from unionhub.schema.docs import describe_values
from unionhub.schema.mall_types import (
    CampaignKindEnum,
    OrderStatusEnum,
    PaymentMethodEnum,
    PaymentStatusEnum,
    VoucherStatusEnum,
)

describe_values(CampaignKindEnum, CLAIM="Members claim them (claimVoucher) in the window.",
                GRANT="Issued to every verified member in scope (grantVouchers).")
describe_values(VoucherStatusEnum, AVAILABLE="Usable on an order.",
                LOCKED="Held by an order waiting for payment (back to AVAILABLE if it is "
                       "cancelled or expires).",
                USED="Spent on a paid order.", EXPIRED="Past validUntil.",
                VOID="Withdrawn: the holder left the campaign's union scope.")
describe_values(OrderStatusEnum, PENDING_PAYMENT="Placed; stock and voucher held until "
                                                 "expiresAt (30 minutes).",
                PAID="Paid; waiting to ship.", SHIPPED="Shipped with a tracking number.",
                COMPLETED="Receipt confirmed (or by the auto-confirm job).",
                CANCELLED="Cancelled or expired unpaid; stock and voucher released.",
                REFUNDED="Refunded.")
describe_values(PaymentMethodEnum, ALIPAY="Alipay.", WECHAT_PAY="WeChat Pay.",
                CARD="A bank card (Stripe).",
                UNION_FUNDS="The union's funds: UNION_BULK orders only, on approval.")
describe_values(PaymentStatusEnum, REQUIRES_PAYMENT="Started; the member has not paid yet.",
                SUCCEEDED="Paid.", FAILED="The rail refused or it was abandoned.",
                REFUND_PENDING="A refund was asked for; the rail has not confirmed it.",
                REFUNDED="Refunded.", REFUND_FAILED="The rail gave up on the refund: a "
                                                    "payment exception is open for staff.")
