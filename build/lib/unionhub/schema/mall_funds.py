"""GraphQL types of union funds (工会经费集采): yearly budgets, their ledger, approvals."""

from __future__ import annotations

from datetime import datetime

import strawberry

from unionhub.mall import models as m
from unionhub.mall.union_funds import Ledger
from unionhub.schema.entities import MemberRef, UnionRef, member_entity, union_entity
from unionhub.schema.errors import UserError
from unionhub.schema.mall_types import Order, Payment
from unionhub.schema.relay import Connection

FundsEntryKindEnum = strawberry.enum(m.FundsEntryKind, name="UnionFundsEntryKind")


@strawberry.input
class AllocateUnionFundsInput:
    union_id: strawberry.ID
    year: int
    amount_fen: int = strawberry.field(description="Added to the year's allocation; positive.")


@strawberry.input
class ApproveUnionFundsPaymentInput:
    order_id: strawberry.ID


@strawberry.type(description="One movement of a union's funds: an allocation from the parent "
                             "union, a spend (an approved bulk order) or a return (one "
                             "cancelled or refunded).")
class UnionFundsEntry:
    id: strawberry.ID
    kind: FundsEntryKindEnum
    amount_fen: int
    order_id: strawberry.ID | None
    at: datetime
    trace_id: str | None
    actor_id: strawberry.Private[int | None]

    @classmethod
    def of(cls, row: m.UnionFundsEntry) -> UnionFundsEntry:
        return cls(id=strawberry.ID(str(row.id)), kind=row.kind, amount_fen=row.amount_fen,
                   order_id=strawberry.ID(str(row.order_id)) if row.order_id else None,
                   at=row.at, trace_id=row.trace_id, actor_id=row.actor_id)

    @strawberry.field(description="The cadre who allocated, approved or returned.")
    def actor(self, info: strawberry.Info) -> MemberRef | None:
        return member_entity(info, self.actor_id) if self.actor_id else None


@strawberry.type
class UnionFundsLedger:
    year: int
    allocated_fen: int
    spent_fen: int = strawberry.field(description="Approved bulk orders less returns.")
    available_fen: int
    entries: Connection[UnionFundsEntry] = strawberry.field(description="Newest first.")
    union_id: strawberry.Private[int]

    @strawberry.field
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.union_id)

    @classmethod
    def of(cls, ledger: Ledger, entries: Connection[UnionFundsEntry]) -> UnionFundsLedger:
        return cls(year=ledger.year, allocated_fen=ledger.allocated_fen,
                   spent_fen=ledger.spent_fen, available_fen=ledger.available_fen,
                   entries=entries, union_id=ledger.union_id)


@strawberry.type
class UnionFundsBudget:
    year: int
    allocated_fen: int
    spent_fen: int
    union_id: strawberry.Private[int]

    @strawberry.field
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.union_id)

    @classmethod
    def of(cls, row: m.UnionFundsBudget) -> UnionFundsBudget:
        return cls(year=row.year, allocated_fen=row.allocated_fen, spent_fen=row.spent_fen,
                   union_id=row.union_id)


@strawberry.type
class AllocateUnionFundsPayload:
    budget: UnionFundsBudget | None = None
    errors: list[UserError]


@strawberry.type
class ApproveUnionFundsPaymentPayload:
    order: Order | None = None
    payment: Payment | None = None
    errors: list[UserError]
