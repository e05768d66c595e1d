"""Descriptions of the mall enums' values (issue 24, point 5), kept out of mall_types.py
for its length; imported by the mall subgraph (schema/mall.py)."""

from __future__ import annotations

from unionhub.schema.docs import describe_values
from unionhub.schema.mall_funds import FundsEntryKindEnum
from unionhub.schema.mall_payment_types import (
    PaymentExceptionActionEnum,
    PaymentExceptionKindEnum,
    PaymentExceptionStatusEnum,
)
from unionhub.schema.mall_types import (
    CampaignKindEnum,
    OrderKindEnum,
    OrderStatusEnum,
    PaymentChannelEnum,
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
describe_values(PaymentStatusEnum, REQUIRES_PAYMENT="Started; the member has not paid yet "
                                                   "(also after a declined attempt: the "
                                                   "member may pay again).",
                SUCCEEDED="Paid.", FAILED="Closed unpaid: the trade was closed (the order "
                                          "cancelled or timed out) and takes no more money.",
                REFUND_PENDING="A refund was asked for; the rail has not confirmed it.",
                REFUNDED="Refunded.", REFUND_FAILED="The rail gave up on the refund: a "
                                                    "payment exception is open for staff.")
describe_values(OrderKindEnum, PERSONAL="A member's own order, paid by the member.",
                UNION_BULK="A cadre's order for a union, paid from its union funds.")
describe_values(PaymentChannelEnum, DEFAULT="The provider's usual way.",
                NATIVE="WeChat Pay: a QR code (checkout.codeUrl).",
                JSAPI="WeChat Pay inside WeChat: needs payerOpenId.",
                MINI_PROGRAM="WeChat Pay in a mini program: needs payerOpenId.",
                PAGE="Alipay desktop page: a signed URL.", WAP="Alipay mobile web: a signed URL.",
                APP="Alipay in an app: the signed order string.")
describe_values(PaymentExceptionKindEnum, REFUND_FAILED="The rail ended a refund failed.",
                AMOUNT_MISMATCH="Paid another amount than asked (being refunded).",
                UNKNOWN_ORDER="Money arrived for an order we do not have.",
                OPEN_TOO_LONG="A payment or refund without a final answer for days.",
                REFUNDED_TWICE="The rail refunded after a person had settled the refund "
                               "offline: the member may have been paid back twice.")
describe_values(PaymentExceptionStatusEnum, OPEN="Waiting for a person.",
                RESOLVED="Dealt with (resolution and note say how).")
describe_values(PaymentExceptionActionEnum, RETRY="Ask the rail again.",
                HANDLED_OFFLINE="Settled outside UnionHub (the note says how).")
describe_values(FundsEntryKindEnum, ALLOCATION="Funds for the year, out of the parent union's "
                                               "(the root union's: set by an admin).",
                TO_CHILD="Allocated on to a child union (its ALLOCATION).",
                SPEND="An approved bulk order was paid.",
                RETURN="A paid bulk order was cancelled or refunded: the amount came back.")
