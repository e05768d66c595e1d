"""Mall enums: the values the models store and the schema exposes."""

from __future__ import annotations

from enum import StrEnum


class CampaignKind(StrEnum):
    CLAIM = "CLAIM"
    GRANT = "GRANT"


class VoucherStatus(StrEnum):
    AVAILABLE = "AVAILABLE"
    LOCKED = "LOCKED"
    USED = "USED"
    EXPIRED = "EXPIRED"
    VOID = "VOID"


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "PENDING_PAYMENT"
    PAID = "PAID"
    SHIPPED = "SHIPPED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    REFUNDED = "REFUNDED"


class OrderKind(StrEnum):
    PERSONAL = "PERSONAL"
    UNION_BULK = "UNION_BULK"  # 工会经费集采: placed by a cadre for a union, paid from its funds


class FundsEntryKind(StrEnum):
    ALLOCATION = "ALLOCATION"  # the year's funds, from the parent union (the root's: an ADMIN)
    TO_CHILD = "TO_CHILD"  # allocated on to a child union (its ALLOCATION)
    SPEND = "SPEND"  # an approved bulk order
    RETURN = "RETURN"  # a spent order cancelled or refunded: the amount comes back


class RootFundsProposalStatus(StrEnum):
    """The root union's allocation under maker and checker (mall.root_funds)."""

    PENDING = "PENDING"  # proposed by an ADMIN, awaiting another's decision
    APPROVED = "APPROVED"  # by another ADMIN: on the root's budget and ledger
    REJECTED = "REJECTED"  # by another ADMIN: nothing moved
    WITHDRAWN = "WITHDRAWN"  # by its proposer while pending: nothing moved


class PaymentMethod(StrEnum):
    ALIPAY = "ALIPAY"
    WECHAT_PAY = "WECHAT_PAY"
    CARD = "CARD"
    UNION_FUNDS = "UNION_FUNDS"


class PaymentStatus(StrEnum):
    REQUIRES_PAYMENT = "REQUIRES_PAYMENT"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    REFUND_PENDING = "REFUND_PENDING"
    REFUNDED = "REFUNDED"
    REFUND_FAILED = "REFUND_FAILED"  # the rail gave up on the refund: an exception is open


class PaymentExceptionKind(StrEnum):
    """Money that needs a person (deploy/OPERATORS.md says what to do with each)."""

    REFUND_FAILED = "REFUND_FAILED"  # the rail ended a refund failed (or refused to make it)
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"  # paid a different amount than asked: being refunded
    UNKNOWN_ORDER = "UNKNOWN_ORDER"  # money arrived for an order we do not have
    OPEN_TOO_LONG = "OPEN_TOO_LONG"  # a payment or refund without a final answer for days
    # The rail's refund landed after a person had settled its failure (or its wait) offline:
    # the member may have been paid back twice.
    REFUNDED_TWICE = "REFUNDED_TWICE"


class PaymentExceptionStatus(StrEnum):
    OPEN = "OPEN"
    RESOLVED = "RESOLVED"


class PaymentExceptionAction(StrEnum):
    RETRY = "RETRY"  # ask the rail again (a new refund attempt, or a status query now)
    HANDLED_OFFLINE = "HANDLED_OFFLINE"  # settled outside UnionHub (merchant portal, bank)
