"""GraphQL types of union funds (工会经费集采): yearly budgets, their ledger, approvals."""

from __future__ import annotations

from datetime import datetime

import strawberry

from unionhub.mall import models as m
from unionhub.mall.union_funds import Ledger
from unionhub.schema.docs import PAYLOAD_ERRORS
from unionhub.schema.entities import MemberRef, UnionRef, member_entity, union_entity
from unionhub.schema.errors import UserError
from unionhub.schema.mall_types import Order, Payment
from unionhub.schema.money import Fen
from unionhub.schema.relay import Connection

FundsEntryKindEnum = strawberry.enum(m.FundsEntryKind, name="UnionFundsEntryKind",
                                     description="A movement of union funds.")


@strawberry.input(description="An allocation of union funds for a year.")
class AllocateUnionFundsInput:
    union_id: strawberry.ID = strawberry.field(description="A union in the cadre's scope.")
    year: int = strawberry.field(description="The budget year (YEAR_OUT_OF_RANGE if "
                                             "implausible).")
    amount_fen: int = strawberry.field(description=(
        "Added to the year's allocation, out of the parent union's own funds for that year "
        "(PARENT_UNION_FUNDS_EXCEEDED if they do not cover it; the root union's is proposed "
        "and approved by two admins: proposeRootUnionFunds, ROOT_UNION_FUNDS_NEED_APPROVAL "
        "here); positive."))


@strawberry.input(description="The bulk order to approve.")
class ApproveUnionFundsPaymentInput:
    order_id: strawberry.ID = strawberry.field(description="A PENDING_PAYMENT UNION_BULK "
                                                           "order placed by another cadre.")


@strawberry.type(description="One movement of a union's funds: an allocation from the parent "
                             "union, an allocation on to a child union, a spend (an approved "
                             "bulk order) or a return (one cancelled or refunded).")
class UnionFundsEntry:
    id: strawberry.ID = strawberry.field(description="The entry's id.")
    kind: FundsEntryKindEnum = strawberry.field(description="Allocation, allocation to a child, "
                                                            "spend or return.")
    amount_fen: int = strawberry.field(description="The amount in fen (分, 1/100 yuan), positive.")
    order_id: strawberry.ID | None = strawberry.field(description="The bulk order spent on or "
                                                                  "returned; null for an "
                                                                  "allocation.")
    at: datetime = strawberry.field(description="When (UTC instant).")
    trace_id: str | None = strawberry.field(description="The trace of the request that made "
                                                        "it.")
    actor_id: strawberry.Private[int | None]
    counterpart_union_id: strawberry.Private[int | None]

    @classmethod
    def of(cls, row: m.UnionFundsEntry) -> UnionFundsEntry:
        return cls(id=strawberry.ID(str(row.id)), kind=row.kind, amount_fen=row.amount_fen,
                   order_id=strawberry.ID(str(row.order_id)) if row.order_id else None,
                   at=row.at, trace_id=row.trace_id, actor_id=row.actor_id,
                   counterpart_union_id=row.counterpart_union_id)

    @strawberry.field(description="The other union of an allocation: the parent it came from "
                                  "(ALLOCATION) or the child it went to (TO_CHILD); null for "
                                  "spends, returns, the root union's allocations and those "
                                  "made before allocations came from the parent.")
    def counterpart_union(self, info: strawberry.Info) -> UnionRef | None:
        uid = self.counterpart_union_id
        return union_entity(info, uid) if uid else None

    @strawberry.field(description="The cadre who allocated, approved or returned.")
    def actor(self, info: strawberry.Info) -> MemberRef | None:
        return member_entity(info, self.actor_id) if self.actor_id else None


@strawberry.type(description="A union's funds for a budget year, with its ledger.")
class UnionFundsLedger:
    year: int = strawberry.field(description="The budget year.")
    allocated_fen: Fen = strawberry.field(description=(
        "Allocated for the year, in fen (分, 1/100 yuan)."))
    spent_fen: Fen = strawberry.field(description="Approved bulk orders less returns.")
    to_children_fen: Fen = strawberry.field(description="Allocated on to child unions.")
    available_fen: Fen = strawberry.field(description="allocatedFen − spentFen − "
                                                      "toChildrenFen.")
    entries: Connection[UnionFundsEntry] = strawberry.field(description="Newest first.")
    union_id: strawberry.Private[int]

    @strawberry.field(description="The union.")
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.union_id)

    @classmethod
    def of(cls, ledger: Ledger, entries: Connection[UnionFundsEntry]) -> UnionFundsLedger:
        return cls(year=ledger.year, allocated_fen=ledger.allocated_fen,
                   spent_fen=ledger.spent_fen, to_children_fen=ledger.to_children_fen,
                   available_fen=ledger.available_fen,
                   entries=entries, union_id=ledger.union_id)


@strawberry.type(description="A union's funds for a budget year.")
class UnionFundsBudget:
    year: int = strawberry.field(description="The budget year.")
    allocated_fen: Fen = strawberry.field(description=(
        "Allocated for the year, in fen (分, 1/100 yuan)."))
    spent_fen: Fen = strawberry.field(description="Spent on approved bulk orders less "
                                                  "returns, in fen (分, 1/100 yuan).")
    to_children_fen: Fen = strawberry.field(description="Allocated on to child unions, in fen.")
    union_id: strawberry.Private[int]

    @strawberry.field(description="The union.")
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.union_id)

    @classmethod
    def of(cls, row: m.UnionFundsBudget) -> UnionFundsBudget:
        return cls(year=row.year, allocated_fen=row.allocated_fen, spent_fen=row.spent_fen,
                   to_children_fen=row.to_children_fen, union_id=row.union_id)


@strawberry.type(description="The result of allocateUnionFunds.")
class AllocateUnionFundsPayload:
    budget: UnionFundsBudget | None = strawberry.field(
        default=None, description="The year's budget after the allocation; null on errors.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of approveUnionFundsPayment.")
class ApproveUnionFundsPaymentPayload:
    order: Order | None = strawberry.field(default=None,
                                           description="The order, now PAID; null on errors.")
    payment: Payment | None = strawberry.field(
        default=None, description="The UNION_FUNDS payment; null on errors.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)
