"""The mall's payment-exception queue in GraphQL (OPERATOR): `paymentExceptions` and
`resolvePaymentException`. Mixed into the mall's Query and Mutation (schema/mall.py)."""

from __future__ import annotations

import strawberry

from unionhub.identity.access import Tier
from unionhub.resolvers import mall_payments as r
from unionhub.schema.mall_payment_types import (
    PaymentException,
    PaymentExceptionPayload,
    ResolvePaymentExceptionInput,
)
from unionhub.schema.permissions import gql_field
from unionhub.schema.relay import Connection


@strawberry.type
class PaymentExceptionQuery:
    payment_exceptions: Connection[PaymentException] = gql_field(
        tier=Tier.OPERATOR, resolver=r.payment_exceptions_page,
        description="The queue of money that needs a person, oldest first.")


@strawberry.type
class PaymentExceptionMutation:
    @gql_field(tier=Tier.OPERATOR, description="Resolve an open payment exception (audited). "
               "A resolved one is refused with EXCEPTION_ALREADY_RESOLVED.")
    async def resolve_payment_exception(self, info: strawberry.Info,
                                        input: ResolvePaymentExceptionInput,
                                        ) -> PaymentExceptionPayload:
        return await r.resolve_payment_exception(info, input.id, input.action, input.note)
