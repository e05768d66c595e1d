"""The root union's allocation through GraphQL, shared by test_root_funds and
test_root_funds_race: propose, decide, and read what moved."""

from __future__ import annotations

from typing import Any

from tests.mall.conftest import this_funds_year
from unionhub.mall.models import UnionFundsBudget, UnionFundsEntry

PROPOSAL = "proposal { id status amountFen year reason note proposedBy { id } decidedBy { id } }"
PROPOSE = f"""mutation P($input: ProposeRootUnionFundsInput!) {{
  proposeRootUnionFunds(input: $input) {{ {PROPOSAL} budget {{ allocatedFen }}
    errors {{ code field message }} }} }}"""
APPROVE = f"""mutation A($input: ApproveRootUnionFundsInput!) {{
  approveRootUnionFunds(input: $input) {{ {PROPOSAL} budget {{ year allocatedFen }}
    errors {{ code field message }} }} }}"""
REJECT = f"""mutation R($input: RejectRootUnionFundsInput!) {{
  rejectRootUnionFunds(input: $input) {{ {PROPOSAL} errors {{ code field message }} }} }}"""
WITHDRAW = f"""mutation W($input: WithdrawRootUnionFundsInput!) {{
  withdrawRootUnionFunds(input: $input) {{ {PROPOSAL} errors {{ code field message }} }} }}"""
PROPOSALS = """query L($status: RootUnionFundsProposalStatus) {
  rootUnionFundsProposals(status: $status) { totalCount edges { node {
    id status amountFen note union { id } proposedBy { id } } } } }"""
STEPS = {"approve": ("approveRootUnionFunds", APPROVE),
         "withdraw": ("withdrawRootUnionFunds", WITHDRAW)}


async def propose(gql, admin, root_id: int, amount_fen: int, *, reason: str = "2026年度省财政拨付",
                  year: int | None = None) -> dict[str, Any]:
    r = await gql(PROPOSE, {"input": {"unionId": str(root_id), "year": year or this_funds_year(),
                                      "amountFen": amount_fen, "reason": reason}},
                  token=admin.token)
    assert r.errors == [], r.errors
    return r.data["proposeRootUnionFunds"]


async def step(gql, admin, name: str, proposal_id: str) -> dict[str, Any]:
    """approve or withdraw by `admin`: the payload."""
    field, mutation = STEPS[name]
    r = await gql(mutation, {"input": {"proposalId": proposal_id}}, token=admin.token)
    assert r.errors == [], r.errors
    return r.data[field]


async def reject(gql, admin, proposal_id: str, note: str = "金额与批文不符") -> dict[str, Any]:
    r = await gql(REJECT, {"input": {"proposalId": proposal_id, "note": note}},
                  token=admin.token)
    assert r.errors == [], r.errors
    return r.data["rejectRootUnionFunds"]


def codes(body: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in body["errors"]]


async def root_money(root_id: int) -> tuple[int, list[tuple[str, int, int | None]]]:
    """The root's allocation this year, and its ledger (kind, amount, actor), oldest first."""
    budget = await UnionFundsBudget.get_or_none(union_id=root_id, year=this_funds_year())
    entries = await UnionFundsEntry.filter(union_id=root_id).order_by("id")
    return (budget.allocated_fen if budget else 0,
            [(e.kind, e.amount_fen, e.actor_id) for e in entries])
