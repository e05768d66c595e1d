"""Resolvers of the root union's allocation under maker and checker: read arguments, call the
domain (mall.root_funds), shape the payload."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry

from unionhub.errors import NotFound
from unionhub.mall import root_funds
from unionhub.mall.funds_models import RootFundsProposal, UnionFundsBudget
from unionhub.schema import mall_root_funds_types as t
from unionhub.schema.errors import payload
from unionhub.schema.mall_funds import UnionFundsBudget as BudgetType
from unionhub.schema.mall_root_funds_types import RootFundsProposalStatus
from unionhub.schema.relay import After, Before, Connection, First, Last, connection, keyset_page


def _proposal_number(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound("no such proposal", field="proposalId",
                       code="PROPOSAL_NOT_FOUND") from None


def _union_number(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound("union not found", field="unionId") from None


async def _with_budget(step: Awaitable[RootFundsProposal],
                       ) -> tuple[RootFundsProposal, UnionFundsBudget | None]:
    proposal = await step
    return proposal, await root_funds.budget(proposal)


def _shape(done: tuple[RootFundsProposal, UnionFundsBudget | None]) -> dict[str, Any]:
    proposal, budget = done
    return {"proposal": t.RootUnionFundsProposal.of(proposal),
            "budget": BudgetType.of(budget) if budget is not None else None}


async def _payload(info: strawberry.Info, proposal_id: str,
                   act: Callable[[Any, int], Awaitable[RootFundsProposal]],
                   ) -> t.RootUnionFundsProposalPayload:
    async def work():
        number = _proposal_number(proposal_id)
        return await _with_budget(act(info.context.principal, number))
    return await payload(t.RootUnionFundsProposalPayload, work(), _shape)


async def propose_root_union_funds(info: strawberry.Info, union_id: str, year: int,
                                   amount_fen: int, reason: str,
                                   ) -> t.RootUnionFundsProposalPayload:
    async def work():
        union = _union_number(union_id)
        return await _with_budget(root_funds.propose(info.context.principal, union, year,
                                                     amount_fen, reason))
    return await payload(t.RootUnionFundsProposalPayload, work(), _shape)


async def approve_root_union_funds(info: strawberry.Info,
                                   proposal_id: str) -> t.RootUnionFundsProposalPayload:
    return await _payload(info, proposal_id, root_funds.approve)


async def reject_root_union_funds(info: strawberry.Info, proposal_id: str,
                                  note: str) -> t.RootUnionFundsProposalPayload:
    return await _payload(info, proposal_id,
                          lambda who, number: root_funds.reject(who, number, note))


async def withdraw_root_union_funds(info: strawberry.Info,
                                    proposal_id: str) -> t.RootUnionFundsProposalPayload:
    return await _payload(info, proposal_id, root_funds.withdraw)


async def root_union_funds_proposals(
        info: strawberry.Info,
        status: Annotated[RootFundsProposalStatus | None, strawberry.argument(
            description="Only this status (PENDING: what awaits a checker); null for all.")
        ] = RootFundsProposalStatus.PENDING,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
) -> Connection[t.RootUnionFundsProposal]:
    qs = root_funds.listed(info.context.principal, status)
    rows, page = await keyset_page(qs, first, after, last=last, before=before)
    return connection([t.RootUnionFundsProposal.of(x) for x in rows], [x.id for x in rows],
                      page)
