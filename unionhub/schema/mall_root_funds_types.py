"""GraphQL types of the root union's allocation under maker and checker (mall.root_funds):
proposals, their inputs and payload. Bound by schema/mall_root_funds.py."""

from __future__ import annotations

from datetime import datetime

import strawberry

from unionhub.mall import funds_models as m
from unionhub.mall.enums import RootFundsProposalStatus
from unionhub.schema.docs import PAYLOAD_ERRORS, describe_values
from unionhub.schema.entities import MemberRef, UnionRef, member_entity, union_entity
from unionhub.schema.errors import UserError
from unionhub.schema.mall_funds import UnionFundsBudget

# (strawberry.enum returns the Python enum itself: fields and arguments annotate with it.)
RootUnionFundsProposalStatusEnum = strawberry.enum(
    RootFundsProposalStatus, name="RootUnionFundsProposalStatus",
    description="Where a proposal of the root union's allocation stands.")
describe_values(RootUnionFundsProposalStatusEnum,
                PENDING="Proposed; awaiting another admin's approval or rejection.",
                APPROVED="Approved by another admin: on the root union's budget and ledger.",
                REJECTED="Rejected by another admin (see note); nothing moved.",
                WITHDRAWN="Withdrawn by its proposer; nothing moved.")


@strawberry.input(description="A proposal of the root union's allocation for a year.")
class ProposeRootUnionFundsInput:
    union_id: strawberry.ID = strawberry.field(description="The root union (NOT_ROOT_UNION "
                                                           "for any other).")
    year: int = strawberry.field(description="The budget year (YEAR_OUT_OF_RANGE if "
                                             "implausible).")
    amount_fen: int = strawberry.field(description="Added to the root's allocation for the "
                                                   "year once another admin approves it; "
                                                   "positive (AMOUNT_OUT_OF_RANGE).")
    reason: str = strawberry.field(description="Why (the grant, the document number): 2–200 "
                                               "characters. Never personal data.")


@strawberry.input(description="The proposal to approve.")
class ApproveRootUnionFundsInput:
    proposal_id: strawberry.ID = strawberry.field(description="A PENDING proposal made by "
                                                              "another admin.")


@strawberry.input(description="The proposal to reject.")
class RejectRootUnionFundsInput:
    proposal_id: strawberry.ID = strawberry.field(description="A PENDING proposal made by "
                                                              "another admin.")
    note: str = strawberry.field(description="Why, shown to the proposer: 2–200 characters. "
                                             "Never personal data.")


@strawberry.input(description="The proposal to withdraw.")
class WithdrawRootUnionFundsInput:
    proposal_id: strawberry.ID = strawberry.field(description="A PENDING proposal of the "
                                                              "caller's.")


@strawberry.type(description="A proposal of the root union's allocation for a year: money "
                             "entering the union tree, approved by an admin other than its "
                             "proposer before it reaches the budget.")
class RootUnionFundsProposal:
    id: strawberry.ID = strawberry.field(description="The proposal's id.")
    year: int = strawberry.field(description="The budget year.")
    amount_fen: int = strawberry.field(description="The amount in fen (分, 1/100 yuan).")
    reason: str = strawberry.field(description="The proposer's reason.")
    status: RootFundsProposalStatus = strawberry.field(description="Where it stands.")
    proposed_at: datetime = strawberry.field(description="When it was proposed (UTC instant).")
    decided_at: datetime | None = strawberry.field(description="When it was approved, "
                                                               "rejected or withdrawn.")
    note: str | None = strawberry.field(description="The checker's note on a rejection.")
    union_id: strawberry.Private[int]
    proposed_by_id: strawberry.Private[int]
    decided_by_id: strawberry.Private[int | None]

    @classmethod
    def of(cls, row: m.RootFundsProposal) -> RootUnionFundsProposal:
        return cls(id=strawberry.ID(str(row.id)), year=row.year, amount_fen=row.amount_fen,
                   reason=row.reason, status=row.status, proposed_at=row.proposed_at,
                   decided_at=row.decided_at, note=row.note, union_id=row.union_id,
                   proposed_by_id=row.proposed_by_id, decided_by_id=row.decided_by_id)

    @strawberry.field(description="The root union.")
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.union_id)

    @strawberry.field(description="The admin who proposed it (the maker).")
    def proposed_by(self, info: strawberry.Info) -> MemberRef:
        return member_entity(info, self.proposed_by_id)

    @strawberry.field(description="The admin who approved or rejected it (the checker), or the "
                                  "proposer who withdrew it; null while pending.")
    def decided_by(self, info: strawberry.Info) -> MemberRef | None:
        return member_entity(info, self.decided_by_id) if self.decided_by_id else None


@strawberry.type(description="The result of a step on a proposal of the root union's funds.")
class RootUnionFundsProposalPayload:
    proposal: RootUnionFundsProposal | None = strawberry.field(
        default=None, description="The proposal after the step; null on errors.")
    budget: UnionFundsBudget | None = strawberry.field(
        default=None, description="The root union's budget for the proposal's year after the "
                                  "step (grown only by an approval); null on errors or while "
                                  "the year has none.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)
