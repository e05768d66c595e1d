"""A second person checks: a cadre never reviews their own join application or transfer, nor
changes the status of their own member card (a freeze a higher union put on stays until
another cadre lifts it). Each refusal is SELF_REVIEW_FORBIDDEN and changes nothing."""

from __future__ import annotations

from tests.identity.card_flows import FREEZE, UNFREEZE
from tests.identity.membership_flows import REQUEST_TRANSFER, REVIEW_TRANSFER, apply, review
from unionhub.identity.models import (
    AuditLog,
    CardStatus,
    JoinApplication,
    Member,
    MemberCard,
    ReviewStatus,
    Role,
    TransferRequest,
)


def _errors(result, name: str) -> list[tuple[str, str | None]]:
    assert result.errors == [], result.errors
    return [(e["code"], e["field"]) for e in result.data[name]["errors"]]


async def test_a_cadre_does_not_review_their_own_join_application(gql, factory):
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    # A county cadre who is a verified worker still in the holding pool applies to a union in
    # their own scope.
    cadre = await factory.account(tree.pool, role=Role.CADRE, cadre_org=tree.counties["A"])
    application = (await apply(gql, cadre, union.join_code))["application"]
    assert application["status"] == "PENDING"
    for approve, reason in ((True, None), (False, "材料不全")):
        own = await review(gql, cadre, application["id"], approve, reason)
        assert _errors(own, "reviewJoinApplication") == [
            ("SELF_REVIEW_FORBIDDEN", "applicationId")]
    row = await JoinApplication.get(id=int(application["id"]))
    assert (row.status, row.reviewed_by_id) == (ReviewStatus.PENDING, None)
    assert (await Member.get(id=cadre.member.id)).joined_at is None
    assert await MemberCard.filter(member_id=cadre.member.id).count() == 0
    assert await AuditLog.filter(action="identity.join.review").count() == 0
    other = await factory.cadre(tree.counties["A"])  # a second cadre may
    done = await review(gql, other, application["id"], True)
    assert _errors(done, "reviewJoinApplication") == []
    assert done.data["reviewJoinApplication"]["application"]["status"] == "APPROVED"


async def test_a_cadre_does_not_review_their_own_transfer(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])  # a member of grassroots union A/0
    to_union = tree.grassroots["A"][1]  # in the cadre's own scope
    asked = await gql(REQUEST_TRANSFER, {"input": {"toUnionId": str(to_union.id)}},
                      token=cadre.token)
    transfer = asked.data["requestTransfer"]["transfer"]
    for approve, reason in ((True, None), (False, "不符合条件")):
        own = await gql(REVIEW_TRANSFER, {"input": {"transferId": transfer["id"],
                                                    "approve": approve, "reason": reason}},
                        token=cadre.token)
        assert _errors(own, "reviewTransfer") == [("SELF_REVIEW_FORBIDDEN", "transferId")]
    row = await TransferRequest.get(id=int(transfer["id"]))
    assert (row.status, row.reviewed_by_id) == (ReviewStatus.PENDING, None)
    assert (await Member.get(id=cadre.member.id)).union_id == tree.grassroots["A"][0].id
    assert await AuditLog.filter(action="identity.transfer.review").count() == 0


async def test_a_cadre_does_not_unfreeze_or_freeze_their_own_card(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])  # a member of grassroots union A/0
    higher = await factory.cadre(tree.cities["xian"])
    frozen = await gql(FREEZE, {"input": {"memberId": cadre.id, "reason": "上级核查"}},
                       token=higher.token)
    assert _errors(frozen, "freezeCard") == []
    own = await gql(UNFREEZE, {"input": {"memberId": cadre.id, "reason": "本人已核实"}},
                    token=cadre.token)
    assert _errors(own, "unfreezeCard") == [("SELF_REVIEW_FORBIDDEN", "memberId")]
    card = await MemberCard.get(member_id=cadre.member.id)
    assert (card.status, card.status_reason) == (CardStatus.FROZEN, "上级核查")
    assert await AuditLog.filter(action="identity.card.unfreeze").count() == 0
    thawed = await gql(UNFREEZE, {"input": {"memberId": cadre.id, "reason": "核实无误"}},
                       token=higher.token)
    assert _errors(thawed, "unfreezeCard") == []
    own = await gql(FREEZE, {"input": {"memberId": cadre.id, "reason": "自己冻结"}},
                    token=cadre.token)
    assert _errors(own, "freezeCard") == [("SELF_REVIEW_FORBIDDEN", "memberId")]
    card = await MemberCard.get(member_id=cadre.member.id)
    assert (card.status, card.status_reason) == (CardStatus.ACTIVE, "核实无误")
