"""Leaving a union (退会) through the GraphQL endpoint: by the member or by a cadre in scope with
a reason. The membership ends, the card is cancelled and the vouchers granted through the old
union are VOID in the same transaction; the lookup cache sees it at once."""

from __future__ import annotations

import asyncio

from tests.identity.membership_flows import LEAVE
from tests.mall.conftest import claim, create_campaign
from unionhub.identity.models import (
    AuditLog,
    CardStatus,
    Member,
    MemberCard,
    MembershipExit,
    ReviewStatus,
    TransferRequest,
)
from unionhub.mall.models import Voucher, VoucherStatus

ME = "query { me { tier joinedAt union { id isHoldingPool } card { number status } } }"
BY_CARD = "query C($c: String!) { member(cardNo: $c) { id } }"


async def _vouchers(account) -> dict[str, VoucherStatus]:
    return {str(v.campaign_id): v.status
            for v in await Voucher.filter(member_id=account.member.id)}


async def _state(account) -> tuple:
    member = await Member.get(id=account.member.id)
    cards = [(c.number, c.status) for c in await MemberCard.filter(member_id=member.id)]
    return (member.union_id, member.joined_at, cards, await _vouchers(account),
            await MembershipExit.filter(member_id=member.id).count())


async def _with_vouchers(gql, factory, tree, member):
    county = await create_campaign(gql, await factory.cadre(tree.counties["A"]),
                                   str(tree.counties["A"].id), name="雁塔区消费券")
    province = await create_campaign(gql, await factory.cadre(tree.province),
                                     str(tree.province.id), name="全省消费券")
    for campaign in (county, province):
        assert (await claim(gql, member, campaign["id"]))["errors"] == []
    return county["id"], province["id"]


async def test_a_member_leaves_their_union(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    cadre = await factory.cadre(tree.counties["A"])
    county, province = await _with_vouchers(gql, factory, tree, member)
    number = (await gql(ME, token=member.token)).data["me"]["card"]["number"]
    assert (await gql(BY_CARD, {"c": number}, token=cadre.token)).data["member"] is not None

    r = await gql(LEAVE, {"input": {}}, token=member.token)
    assert r.data["leaveUnion"] == {
        "member": {"id": member.id, "union": {"id": str(tree.pool.id)}}, "errors": []}

    me = (await gql(ME, token=member.token)).data["me"]
    assert me == {"tier": "MEMBER", "joinedAt": None, "card": None,
                  "union": {"id": str(tree.pool.id), "isHoldingPool": True}}
    assert (await gql(BY_CARD, {"c": number}, token=cadre.token)).data["member"] is None
    assert [c.status for c in await MemberCard.filter(member_id=member.member.id)] == [
        CardStatus.CANCELLED]
    # County A's voucher is void at once; the province's stays (the pool is in the province).
    assert await _vouchers(member) == {county: VoucherStatus.VOID,
                                       province: VoucherStatus.AVAILABLE}
    [exit_row] = await MembershipExit.filter(member_id=member.member.id)
    assert (exit_row.union_id, exit_row.kind, exit_row.actor_id, exit_row.reason) == (
        tree.grassroots["A"][0].id, "LEFT", member.member.id, None)
    actions = [r.action for r in await AuditLog.filter(
        action__in=["identity.membership.leave", "identity.card.cancel", "mall.voucher.withdraw"]
    ).order_by("id")]
    assert actions == ["identity.card.cancel", "mall.voucher.withdraw",
                       "identity.membership.leave"]


async def test_a_cadre_in_scope_removes_a_member_with_a_reason(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    cadre = await factory.cadre(tree.counties["A"])
    await gql("""mutation T($input: RequestTransferInput!) { requestTransfer(input: $input) {
        errors { code } } }""", {"input": {"toUnionId": str(tree.grassroots["B"][0].id)}},
              token=member.token)
    before = await _state(member)
    missing = await gql(LEAVE, {"input": {"memberId": member.id}}, token=cadre.token)
    assert missing.data["leaveUnion"]["errors"] == [{"code": "REASON_REQUIRED", "field": "reason"}]
    assert await _state(member) == before

    r = await gql(LEAVE, {"input": {"memberId": member.id, "reason": "长期未缴会费"}},
                  token=cadre.token)
    assert r.data["leaveUnion"]["errors"] == []
    [exit_row] = await MembershipExit.filter(member_id=member.member.id)
    assert (exit_row.kind, exit_row.actor_id, exit_row.reason) == (
        "REMOVED", cadre.member.id, "长期未缴会费")
    transfer = await TransferRequest.get(member_id=member.member.id)
    assert transfer.status == ReviewStatus.REJECTED  # a pending transfer ends with it
    [row] = await AuditLog.filter(action="identity.membership.leave")
    assert row.actor_id == cadre.member.id and row.detail["kind"] == "REMOVED"
    assert "会费" not in str(row.detail)


async def test_refusals_change_nothing(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["B"][0])
    outsider_cadre = await factory.cadre(tree.counties["A"])
    before = await _state(member)
    r = await gql(LEAVE, {"input": {"memberId": member.id, "reason": "x"}},
                  token=outsider_cadre.token)
    assert r.data["leaveUnion"] == {"member": None, "errors": [
        {"code": "MEMBER_NOT_FOUND", "field": "memberId"}]}
    # A plain member cannot remove someone else: no existence oracle either.
    peer = await factory.account(tree.grassroots["B"][0])
    r = await gql(LEAVE, {"input": {"memberId": member.id, "reason": "x"}}, token=peer.token)
    assert r.data["leaveUnion"]["errors"] == [{"code": "MEMBER_NOT_FOUND", "field": "memberId"}]
    assert await _state(member) == before
    pooled = await factory.account(verified=False)
    r = await gql(LEAVE, {"input": {}}, token=pooled.token)
    assert r.data["leaveUnion"]["errors"] == [{"code": "NOT_A_MEMBER", "field": "memberId"}]
    assert await AuditLog.filter(action="identity.membership.leave").count() == 0
    unauthenticated = await gql(LEAVE, {"input": {}})
    assert unauthenticated.error_codes() == ["UNAUTHENTICATED"]


async def test_after_leaving_a_member_can_join_again_with_a_new_card(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    old = (await gql(ME, token=member.token)).data["me"]["card"]["number"]
    assert (await gql(LEAVE, {"input": {}}, token=member.token)).data["leaveUnion"]["errors"] == []
    union = tree.grassroots["A"][1]
    union.auto_approve = True
    await union.save(update_fields=["auto_approve"])
    r = await gql("""mutation J($input: ApplyToJoinInput!) { applyToJoin(input: $input) {
        application { status } errors { code } } }""", {"input": {"joinCode": union.join_code}},
                  token=member.token)
    assert r.data["applyToJoin"] == {"application": {"status": "APPROVED"}, "errors": []}
    me = (await gql(ME, token=member.token)).data["me"]
    assert me["tier"] == "VERIFIED" and me["card"]["status"] == "ACTIVE"
    assert me["card"]["number"] != old


async def test_concurrent_leaves_end_the_membership_once(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    cadre = await factory.cadre(tree.counties["A"])
    await _with_vouchers(gql, factory, tree, member)
    results = await asyncio.gather(
        *(gql(LEAVE, {"input": {}}, token=member.token) for _ in range(3)),
        *(gql(LEAVE, {"input": {"memberId": member.id, "reason": "重复"}}, token=cadre.token)
          for _ in range(3)))
    codes = sorted(tuple(e["code"] for e in r.data["leaveUnion"]["errors"]) for r in results)
    assert codes[0] == () and set(codes[1:]) <= {("NOT_A_MEMBER",), ("MEMBER_NOT_FOUND",)}
    assert await MembershipExit.filter(member_id=member.member.id).count() == 1
    assert await AuditLog.filter(action="identity.membership.leave").count() == 1
    assert await AuditLog.filter(action="mall.voucher.withdraw").count() == 1
    assert await MemberCard.filter(member_id=member.member.id,
                                   status=CardStatus.CANCELLED).count() == 1


async def test_a_claim_racing_the_leave_never_keeps_a_voucher_of_the_old_union(gql, factory):
    """The claim checks the member's union before its batch runs; a leave committed in
    between must not leave an AVAILABLE voucher of the old union behind. The batch re-reads
    the claimants' unions with their rows locked FOR SHARE (a leave locks FOR UPDATE): either
    the leave waits and then withdraws what the batch issued, or the batch sees the new union
    and answers as for a campaign out of scope (NOT_FOUND: the member holds none of its
    vouchers, mall/claims.py)."""
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    members = [await factory.account(tree.grassroots["A"][0]) for _ in range(12)]
    campaign = await create_campaign(gql, cadre, str(tree.counties["A"].id), name="雁塔区消费券")
    for member in members:  # warm each member's cached record, as the app's traffic does
        assert (await gql(ME, token=member.token)).errors == []
    outcomes = await asyncio.gather(*(
        coro for member in members for coro in (
            claim(gql, member, campaign["id"]),
            gql(LEAVE, {"input": {}}, token=member.token))))
    claims = [o for o in outcomes[0::2]]
    assert {tuple(e["code"] for e in c["errors"]) for c in claims} <= {(), ("NOT_FOUND",)}
    for member in members:
        assert (await Member.get(id=member.member.id)).union_id == tree.pool.id
        assert await Voucher.filter(member_id=member.member.id,
                                    status=VoucherStatus.AVAILABLE).count() == 0
