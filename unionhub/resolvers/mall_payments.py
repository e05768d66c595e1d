"""Resolvers of the payment-exception queue: read arguments, call the domain, shape."""

from __future__ import annotations

from typing import Annotated

import strawberry

from unionhub.errors import NotFound
from unionhub.mall import payment_exceptions
from unionhub.mall.models import PaymentExceptionAction, PaymentExceptionStatus
from unionhub.schema import mall_payment_types as t
from unionhub.schema.errors import payload
from unionhub.schema.relay import After, Before, Connection, First, Last, connection, keyset_page


async def payment_exceptions_page(info: strawberry.Info, first: First = None,
                                  after: After = None,
                                  status: Annotated[
                                      t.PaymentExceptionStatusEnum | None, strawberry.argument(
                                          description="Only this status; null for all.")] = None,
                                  last: Last = None, before: Before = None,
                                  ) -> Connection[t.PaymentException]:
    qs = payment_exceptions.listed(PaymentExceptionStatus(status) if status else None)
    rows, page = await keyset_page(qs, first, after, last=last, before=before)
    return connection([t.PaymentException.of(x) for x in rows], [x.id for x in rows], page)


async def resolve_payment_exception(info: strawberry.Info, exception_id: str,
                                    action: t.PaymentExceptionActionEnum,
                                    note: str | None) -> t.PaymentExceptionPayload:
    async def work():
        try:
            number = int(exception_id)
        except (TypeError, ValueError):
            raise NotFound("no such payment exception", field="id") from None
        return await payment_exceptions.resolve(info.context.principal, number,
                                                PaymentExceptionAction(action), note)
    return await payload(t.PaymentExceptionPayload, work(),
                         lambda row: {"exception": t.PaymentException.of(row)})
