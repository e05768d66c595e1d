"""A proposal of the root union's allocation is decided once, however approvals race.

The deterministic race: a second PostgreSQL connection holds another admin's decision open
(an approval with its budget write, or the maker's withdrawal), having already moved the
proposal's row; an approval by a third admin reads the proposal as PENDING, then waits on the
row's lock, and must find it decided when the other commits, never add the money again. Then
six admins approve at once through GraphQL: one approval, one allocation."""

from __future__ import annotations

import asyncio
import os

import asyncpg
import pytest

from tests.mall.conftest import this_funds_year
from tests.mall.root_funds_flows import codes, propose, root_money, step
from tests.pg_locks import until_waiting
from unionhub import db
from unionhub.identity.models import AuditLog
from unionhub.mall.models import RootFundsProposal

AMOUNT = 30_000_000


async def _hold_decision(held: asyncpg.Connection, how: str, proposal_id: int, maker_id: int,
                         other_id: int, root_id: int) -> None:
    """What `how` writes before it commits, as the domain writes it (mall.root_funds)."""
    await held.execute("BEGIN")
    status, by = ("APPROVED", other_id) if how == "approve" else ("WITHDRAWN", maker_id)
    await held.execute("UPDATE mall_root_funds_proposals SET status = $1, decided_by_id = $2,"
                       " decided_at = now() WHERE id = $3 AND status = 'PENDING'",
                       status, by, proposal_id)
    if how == "approve":
        await held.execute("INSERT INTO mall_union_funds_budgets (union_id, year, allocated_fen,"
                           " spent_fen, to_children_fen) VALUES ($1, $2, $3, 0, 0)",
                           root_id, this_funds_year(), AMOUNT)


@pytest.mark.parametrize("first", ["approve", "withdraw"])
async def test_an_approval_waiting_on_another_decision_is_refused(gql, factory, first):
    if not db.is_postgres():
        pytest.skip("holds a row lock from a second PostgreSQL connection")
    tree = await factory.tree()
    root = tree.province
    maker, other, late = [await factory.admin() for _ in range(3)]
    proposal = (await propose(gql, maker, root.id, AMOUNT))["proposal"]
    held = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await _hold_decision(held, first, int(proposal["id"]), maker.member.id, other.member.id,
                             root.id)
        approval = asyncio.create_task(step(gql, late, "approve", proposal["id"]))
        await until_waiting(held, unless=approval)
        assert not approval.done(), approval.result()  # read PENDING, waits on the row
        await held.execute("COMMIT")
        out = await approval
    finally:
        await held.close()
    assert codes(out) == [("PROPOSAL_NOT_PENDING", "proposalId")]
    row = await RootFundsProposal.get(id=int(proposal["id"]))
    assert (row.status, row.decided_by_id) == (
        ("APPROVED", other.member.id) if first == "approve" else ("WITHDRAWN", maker.member.id))
    assert (await root_money(root.id))[0] == (AMOUNT if first == "approve" else 0)
    assert not await AuditLog.filter(action="mall.root_funds.approve").exists()


async def test_six_admins_approving_at_once_allocate_once(gql, factory):
    tree = await factory.tree()
    root = tree.province
    maker = await factory.admin()
    checkers = [await factory.admin() for _ in range(6)]
    proposal = (await propose(gql, maker, root.id, AMOUNT))["proposal"]

    results = await asyncio.gather(*(step(gql, c, "approve", proposal["id"]) for c in checkers))
    assert sorted(codes(r)[0][0] if r["errors"] else "OK" for r in results) == [
        "OK", *["PROPOSAL_NOT_PENDING"] * 5]
    [winner] = [c for c, r in zip(checkers, results, strict=True) if not r["errors"]]
    assert await root_money(root.id) == (AMOUNT, [("ALLOCATION", AMOUNT, winner.member.id)])
    [row] = await AuditLog.filter(action="mall.root_funds.approve")
    assert row.actor_id == winner.member.id
