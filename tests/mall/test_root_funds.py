"""The root union's allocation, money entering the union tree, under maker and checker: one
ADMIN proposes it, another approves or rejects it, the proposer may withdraw it; only an
approval moves money, and every step is audited. Before, one ADMIN set it alone in one call
(allocateUnionFunds), with no second person and no record of a proposal."""

from __future__ import annotations

import pytest
from tortoise.exceptions import IntegrityError

from tests.mall.conftest import this_funds_year
from tests.mall.root_funds_flows import (
    PROPOSALS,
    PROPOSE,
    codes,
    propose,
    reject,
    root_money,
    step,
)
from unionhub.identity.models import AuditLog
from unionhub.mall import sql
from unionhub.mall.models import RootFundsProposal, UnionFundsEntry


async def _audit(action: str) -> list[AuditLog]:
    return await AuditLog.filter(action=action).order_by("id")


async def test_one_admin_proposes_and_another_approves(gql, factory):
    tree = await factory.tree()
    root = tree.province
    maker, checker = await factory.admin(), await factory.admin()

    made = await propose(gql, maker, root.id, 50_000_000)
    assert made["errors"] == [] and made["budget"] is None
    proposal = made["proposal"]
    assert (proposal["status"], proposal["amountFen"], proposal["proposedBy"],
            proposal["decidedBy"]) == ("PENDING", 50_000_000, {"id": maker.id}, None)
    assert await root_money(root.id) == (0, [])  # a proposal moves nothing
    [proposed] = await _audit("mall.root_funds.propose")
    assert (proposed.actor_id, proposed.subject_type, proposed.subject_id, proposed.union_id,
            proposed.detail) == (maker.member.id, "root_funds_proposal", proposal["id"], root.id,
                                 {"year": this_funds_year(), "amount_fen": 50_000_000,
                                  "maker_id": maker.member.id})
    assert proposed.trace_id and "省财政" not in str(proposed.detail)  # the reason stays put

    waiting = await gql(PROPOSALS, {}, token=checker.token)  # PENDING by default
    [node] = [e["node"] for e in waiting.data["rootUnionFundsProposals"]["edges"]]
    assert (node["id"], node["union"], node["proposedBy"]) == (
        proposal["id"], {"id": str(root.id)}, {"id": maker.id})

    approved = await step(gql, checker, "approve", proposal["id"])
    assert approved["errors"] == []
    assert (approved["proposal"]["status"], approved["proposal"]["decidedBy"]) == (
        "APPROVED", {"id": checker.id})
    assert approved["budget"] == {"year": this_funds_year(), "allocatedFen": 50_000_000}
    assert await root_money(root.id) == (50_000_000,
                                         [("ALLOCATION", 50_000_000, checker.member.id)])
    [row] = await _audit("mall.root_funds.approve")
    assert (row.actor_id, row.subject_id, row.detail["amount_fen"], row.detail["maker_id"]) == (
        checker.member.id, proposal["id"], 50_000_000, maker.member.id)
    entry = await RootFundsProposal.get(id=int(proposal["id"]))
    assert entry.decided_by_id == checker.member.id
    ledger = await UnionFundsEntry.get(union_id=root.id)
    assert row.trace_id and ledger.trace_id == row.trace_id  # the ledger row and its audit row

    again = await step(gql, await factory.admin(), "approve", proposal["id"])
    assert codes(again) == [("PROPOSAL_NOT_PENDING", "proposalId")]
    assert (await root_money(root.id))[0] == 50_000_000
    left = await gql(PROPOSALS, {}, token=checker.token)
    assert left.data["rootUnionFundsProposals"]["totalCount"] == 0


async def test_the_maker_never_decides_their_own_proposal(gql, factory):
    tree = await factory.tree()
    maker = await factory.admin()
    proposal = (await propose(gql, maker, tree.province.id, 10_000))["proposal"]

    own = await step(gql, maker, "approve", proposal["id"])
    assert codes(own) == [("SELF_APPROVAL", "proposalId")]
    assert codes(await reject(gql, maker, proposal["id"])) == [("SELF_APPROVAL", "proposalId")]
    assert (await RootFundsProposal.get(id=int(proposal["id"]))).status == "PENDING"
    assert await root_money(tree.province.id) == (0, [])

    other = await factory.admin()
    assert codes(await step(gql, other, "withdraw", proposal["id"])) == [
        ("NOT_PROPOSER", "proposalId")]
    withdrawn = await step(gql, maker, "withdraw", proposal["id"])
    assert (withdrawn["errors"], withdrawn["proposal"]["status"],
            withdrawn["proposal"]["decidedBy"]) == ([], "WITHDRAWN", {"id": maker.id})
    late = await step(gql, other, "approve", proposal["id"])
    assert codes(late) == [("PROPOSAL_NOT_PENDING", "proposalId")]
    assert await root_money(tree.province.id) == (0, [])
    assert [a.action for a in await AuditLog.filter(action__startswith="mall.").order_by("id")
            ] == ["mall.root_funds.propose", "mall.root_funds.withdraw"]


async def test_a_rejection_moves_nothing_and_tells_the_maker_why(gql, factory):
    tree = await factory.tree()
    maker, checker = await factory.admin(), await factory.admin()
    proposal = (await propose(gql, maker, tree.province.id, 10_000))["proposal"]
    assert codes(await reject(gql, checker, proposal["id"], note=" ")) == [
        ("NOTE_REQUIRED", "note")]
    assert codes(await reject(gql, checker, proposal["id"], note="x" * 201)) == [
        ("NOTE_TOO_LONG", "note")]

    rejected = await reject(gql, checker, proposal["id"])
    assert (rejected["errors"], rejected["proposal"]["status"],
            rejected["proposal"]["note"]) == ([], "REJECTED", "金额与批文不符")
    assert await root_money(tree.province.id) == (0, [])
    seen = await gql(PROPOSALS, {"status": "REJECTED"}, token=maker.token)
    [node] = [e["node"] for e in seen.data["rootUnionFundsProposals"]["edges"]]
    assert (node["id"], node["note"]) == (proposal["id"], "金额与批文不符")
    [row] = await _audit("mall.root_funds.reject")
    assert (row.actor_id, row.detail["amount_fen"]) == (checker.member.id, 10_000)
    assert "批文" not in str(row.detail)  # the note stays on the proposal's row
    assert codes(await step(gql, checker, "approve", proposal["id"])) == [
        ("PROPOSAL_NOT_PENDING", "proposalId")]


async def test_bad_input_and_other_callers_change_nothing(gql, factory):
    tree = await factory.tree()
    admin = await factory.admin()

    async def try_propose(who, union_id: int, **over):
        data = {"unionId": str(union_id), "year": this_funds_year(), "amountFen": 10_000,
                "reason": "年度经费拨付", **over}
        return await gql(PROPOSE, {"input": data}, token=who.token)

    for who in (await factory.cadre(tree.province), await factory.operator(),
                await factory.account(tree.grassroots["A"][0])):
        assert (await try_propose(who, tree.province.id)).error_codes() == ["FORBIDDEN"]
        assert (await gql(PROPOSALS, {}, token=who.token)).error_codes() == ["FORBIDDEN"]
    for union_id, over, expected in [
            (tree.cities["xian"].id, {}, ("NOT_ROOT_UNION", "unionId")),
            (tree.province.id, {"amountFen": 0}, ("AMOUNT_OUT_OF_RANGE", "amountFen")),
            (tree.province.id, {"amountFen": 2**31 - 1 + 1}, None),  # not an Int: refused whole
            (tree.province.id, {"year": 1999}, ("YEAR_OUT_OF_RANGE", "year")),
            (tree.province.id, {"reason": "  "}, ("REASON_REQUIRED", "reason")),
            (tree.province.id, {"reason": "理" * 201}, ("REASON_TOO_LONG", "reason")),
            (987654321, {}, ("NOT_FOUND", "unionId"))]:
        out = await try_propose(admin, union_id, **over)
        if expected is None:
            assert out.error_codes() == ["BAD_USER_INPUT"]
            continue
        assert codes(out.data["proposeRootUnionFunds"]) == [expected], over
    for missing in ("987654321", "abc"):
        assert codes(await step(gql, admin, "approve", missing)) == [
            ("PROPOSAL_NOT_FOUND", "proposalId")]
    assert await RootFundsProposal.all().count() == 0
    assert await AuditLog.filter(action__startswith="mall.").count() == 0
    assert await root_money(tree.province.id) == (0, [])


async def test_the_database_refuses_a_proposal_decided_by_its_maker(gql, factory):
    tree = await factory.tree()
    maker = await factory.admin()
    proposal = (await propose(gql, maker, tree.province.id, 10_000))["proposal"]
    for status in ("APPROVED", "REJECTED"):
        with pytest.raises(IntegrityError):
            await sql.rows("UPDATE mall_root_funds_proposals SET status = ?, decided_by_id ="
                           " proposed_by_id WHERE id = ?", [status, int(proposal["id"])])
    for status, by in [("WITHDRAWN", "proposed_by_id + 1"),  # a withdrawal is its maker's
                       ("APPROVED", "NULL"), ("WITHDRAWN", "NULL")]:  # and names who decided
        with pytest.raises(IntegrityError):
            await sql.rows(f"UPDATE mall_root_funds_proposals SET status = ?, decided_by_id = {by}"
                           " WHERE id = ?", [status, int(proposal["id"])])
    assert (await RootFundsProposal.get(id=int(proposal["id"]))).status == "PENDING"


async def test_a_stale_proposal_can_no_longer_be_approved(gql, factory):
    """A proposal left pending for months was approved as if it were new: the year, the
    amount and the reason it was made for may no longer hold. Past PROPOSAL_MAX_AGE it is
    refused (PROPOSAL_EXPIRED) and moves nothing; it can still be rejected or withdrawn."""
    from datetime import timedelta

    from unionhub.clock import utcnow
    from unionhub.mall.root_funds import PROPOSAL_MAX_AGE

    tree = await factory.tree()
    maker, checker = await factory.admin(), await factory.admin()
    proposal = (await propose(gql, maker, tree.province.id, 10_000))["proposal"]
    await RootFundsProposal.filter(id=int(proposal["id"])).update(
        proposed_at=utcnow() - PROPOSAL_MAX_AGE - timedelta(minutes=1))

    stale = await step(gql, checker, "approve", proposal["id"])
    assert codes(stale) == [("PROPOSAL_EXPIRED", "proposalId")]
    assert (await RootFundsProposal.get(id=int(proposal["id"]))).status == "PENDING"
    assert await root_money(tree.province.id) == (0, [])
    assert not await _audit("mall.root_funds.approve")
    withdrawn = await step(gql, maker, "withdraw", proposal["id"])
    assert (withdrawn["errors"], withdrawn["proposal"]["status"]) == ([], "WITHDRAWN")

    fresh = (await propose(gql, maker, tree.province.id, 10_000))["proposal"]
    await RootFundsProposal.filter(id=int(fresh["id"])).update(
        proposed_at=utcnow() - PROPOSAL_MAX_AGE + timedelta(minutes=1))
    assert (await step(gql, checker, "approve", fresh["id"]))["errors"] == []
