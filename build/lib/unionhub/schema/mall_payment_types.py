"""GraphQL types of the mall's payment-exception queue (schema/mall_payments.py)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from unionhub.mall import models as m
from unionhub.schema.errors import UserError

PaymentExceptionKindEnum = strawberry.enum(
    m.PaymentExceptionKind, name="PaymentExceptionKind",
    description="REFUND_FAILED: the rail ended a refund failed. AMOUNT_MISMATCH: paid another "
                "amount than asked (being refunded). UNKNOWN_ORDER: money for an order we do "
                "not have. OPEN_TOO_LONG: a payment or refund without a final answer for days.")
PaymentExceptionStatusEnum = strawberry.enum(m.PaymentExceptionStatus,
                                             name="PaymentExceptionStatus")
PaymentExceptionActionEnum = strawberry.enum(
    m.PaymentExceptionAction, name="PaymentExceptionAction",
    description="RETRY: ask the rail again (a new refund for REFUND_FAILED, a status query "
                "for OPEN_TOO_LONG). HANDLED_OFFLINE: settled outside UnionHub (say how in "
                "the note).")


def _sid(value: int | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


@strawberry.type(description="Money that needs a person (deploy/OPERATORS.md).")
class PaymentException:
    id: strawberry.ID
    kind: PaymentExceptionKindEnum
    status: PaymentExceptionStatusEnum
    order_id: strawberry.ID | None
    payment_id: strawberry.ID | None
    provider: str = strawberry.field(description="The rail: stripe, wechatpay, alipay, sandbox.")
    provider_ref: str | None = strawberry.field(description="The trade at the rail.")
    amount_fen: int | None
    reason: str = strawberry.field(description="What happened, in the rail's codes.")
    opened_at: datetime
    resolved_at: datetime | None
    resolved_by_id: strawberry.ID | None
    resolution: PaymentExceptionActionEnum | None
    note: str | None

    @classmethod
    def of(cls, row: m.PaymentException) -> PaymentException:
        return cls(id=strawberry.ID(str(row.id)), kind=row.kind, status=row.status,
                   order_id=_sid(row.order_id), payment_id=_sid(row.payment_id),
                   provider=row.provider, provider_ref=row.provider_ref,
                   amount_fen=row.amount_fen, reason=row.reason, opened_at=row.created_at,
                   resolved_at=row.resolved_at, resolved_by_id=_sid(row.resolved_by_id),
                   resolution=row.resolution, note=row.note)


@strawberry.input
class ResolvePaymentExceptionInput:
    id: strawberry.ID
    action: PaymentExceptionActionEnum
    note: str | None = strawberry.field(
        default=None, description="At most 500 characters; required for HANDLED_OFFLINE. "
                                  "Never personal data: the order id says whose it was.")


@strawberry.type
class PaymentExceptionPayload:
    exception: PaymentException | None = None
    errors: list[UserError]
