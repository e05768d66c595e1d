"""The root union's allocation under maker and checker in GraphQL (ADMIN): one admin
proposes (`proposeRootUnionFunds`), another approves or rejects, the proposer may withdraw;
`rootUnionFundsProposals` lists what awaits a checker. Mixed into the mall's Query and
Mutation (schema/mall.py)."""

from __future__ import annotations

import strawberry

from unionhub.identity.access import Tier
from unionhub.resolvers import mall_root_funds as r
from unionhub.schema import mall_root_funds_types as t
from unionhub.schema.permissions import gql_field
from unionhub.schema.relay import Connection


@strawberry.type
class RootFundsQuery:
    root_union_funds_proposals: Connection[t.RootUnionFundsProposal] = gql_field(
        tier=Tier.ADMIN, resolver=r.root_union_funds_proposals,
        description="Proposals of the root union's allocation, oldest first: by default those "
                    "PENDING, awaiting an admin other than their proposer.")


@strawberry.type
class RootFundsMutation:
    @gql_field(tier=Tier.ADMIN, description="Proposes the root union's allocation for a year "
               "(money entering the union tree): nothing moves until another admin approves "
               "it (approveRootUnionFunds). Audited.")
    async def propose_root_union_funds(self, info: strawberry.Info,
                                       input: t.ProposeRootUnionFundsInput,
                                       ) -> t.RootUnionFundsProposalPayload:
        return await r.propose_root_union_funds(info, input.union_id, input.year,
                                                input.amount_fen, input.reason)

    @gql_field(tier=Tier.ADMIN, description="The checker's approval: the amount goes on the root "
               "union's budget and ledger, once. Not by its proposer (SELF_APPROVAL). Audited.")
    async def approve_root_union_funds(self, info: strawberry.Info,
                                       input: t.ApproveRootUnionFundsInput,
                                       ) -> t.RootUnionFundsProposalPayload:
        return await r.approve_root_union_funds(info, input.proposal_id)

    @gql_field(tier=Tier.ADMIN, description="The checker's rejection, with a note for the "
               "proposer; nothing moves. Not by its proposer (SELF_APPROVAL). Audited.")
    async def reject_root_union_funds(self, info: strawberry.Info,
                                      input: t.RejectRootUnionFundsInput,
                                      ) -> t.RootUnionFundsProposalPayload:
        return await r.reject_root_union_funds(info, input.proposal_id, input.note)

    @gql_field(tier=Tier.ADMIN, description="The proposer takes back a pending proposal; "
               "nothing moves. Audited.")
    async def withdraw_root_union_funds(self, info: strawberry.Info,
                                        input: t.WithdrawRootUnionFundsInput,
                                        ) -> t.RootUnionFundsProposalPayload:
        return await r.withdraw_root_union_funds(info, input.proposal_id)
