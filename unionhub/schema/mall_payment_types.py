"""GraphQL types of the mall's payment-exception queue (schema/mall_payments.py)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from unionhub.mall import models as m
from unionhub.schema.docs import PAYLOAD_ERRORS
from unionhub.schema.errors import UserError

PaymentExceptionKindEnum = strawberry.enum(
    m.PaymentExceptionKind, name="PaymentExceptionKind",
    description="REFUND_FAILED: the rail ended a refund failed. AMOUNT_MISMATCH: paid another "
                "amount than asked (being refunded). UNKNOWN_ORDER: money for an order we do "
                "not have. OPEN_TOO_LONG: a payment or refund without a final answer for days. "
                "REFUNDED_TWICE: the rail refunded after a person had settled the refund "
                "offline.")
PaymentExceptionStatusEnum = strawberry.enum(m.PaymentExceptionStatus,
                                             name="PaymentExceptionStatus",
                                             description="Whether a person has dealt with it.")
PaymentExceptionActionEnum = strawberry.enum(
    m.PaymentExceptionAction, name="PaymentExceptionAction",
    description="RETRY: ask the rail again (a new refund for REFUND_FAILED, a status query "
                "for OPEN_TOO_LONG). HANDLED_OFFLINE: settled outside UnionHub (say how in "
                "the note).")


def _sid(value: int | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


@strawberry.type(description="Money that needs a person (deploy/OPERATORS.md).")
class PaymentException:
    id: strawberry.ID = strawberry.field(description="The exception's id.")
    kind: PaymentExceptionKindEnum = strawberry.field(description="What went wrong.")
    status: PaymentExceptionStatusEnum = strawberry.field(description="OPEN or RESOLVED.")
    order_id: strawberry.ID | None = strawberry.field(description="The order; null for "
                                                                  "UNKNOWN_ORDER.")
    payment_id: strawberry.ID | None = strawberry.field(description="Our payment, if any.")
    provider: str = strawberry.field(description="The rail: stripe, wechatpay, alipay, sandbox.")
    provider_ref: str | None = strawberry.field(description="The trade at the rail.")
    amount_fen: int | None = strawberry.field(
        description="The amount at stake in fen (分, 1/100 yuan); null when unknown.")
    reason: str = strawberry.field(description="What happened, in the rail's codes.")
    opened_at: datetime = strawberry.field(description="When it was opened (UTC instant).")
    resolved_at: datetime | None = strawberry.field(description="When it was resolved (UTC "
                                                                "instant).")
    resolved_by_id: strawberry.ID | None = strawberry.field(
        description="The staff member who resolved it; null when the system did (its refund "
                    "landed at the rail: the note says so).")
    resolution: PaymentExceptionActionEnum | None = strawberry.field(
        description="How a person resolved it; null while OPEN and when the system did.")
    note: str | None = strawberry.field(description="The resolver's note.")

    @classmethod
    def of(cls, row: m.PaymentException) -> PaymentException:
        return cls(id=strawberry.ID(str(row.id)), kind=row.kind, status=row.status,
                   order_id=_sid(row.order_id), payment_id=_sid(row.payment_id),
                   provider=row.provider, provider_ref=row.provider_ref,
                   amount_fen=row.amount_fen, reason=row.reason, opened_at=row.created_at,
                   resolved_at=row.resolved_at, resolved_by_id=_sid(row.resolved_by_id),
                   resolution=row.resolution, note=row.note)


@strawberry.input(description="A person's resolution of a payment exception.")
class ResolvePaymentExceptionInput:
    id: strawberry.ID = strawberry.field(description="An OPEN exception.")
    action: PaymentExceptionActionEnum = strawberry.field(description="What was done.")
    note: str | None = strawberry.field(
        default=None, description="At most 500 characters; required for HANDLED_OFFLINE. "
                                  "Never personal data: the order id says whose it was.")


@strawberry.type(description="The result of resolvePaymentException.")
class PaymentExceptionPayload:
    exception: PaymentException | None = strawberry.field(
        default=None, description="The exception as it stands; null on errors.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)
