"""The card lifecycle through the GraphQL endpoint: freeze and unfreeze by a cadre in scope,
reissue after a loss reported without reissue, and each refusal (which changes nothing). The
member lookup reads through the Redis cache, so every step is checked after it was filled."""

from __future__ import annotations

import asyncio

from tests.identity.card_flows import FREEZE, UNFREEZE
from unionhub.identity.models import AuditLog, CardStatus, MemberCard

REISSUE = "mutation { reissueCard { card { number status } errors { code field } } }"
LOST = """mutation L($input: ReportCardLostInput!) { reportCardLost(input: $input) {
  card { number } errors { code } } }"""
ME = "query { me { tier card { number status } } }"
BY_CARD = "query C($c: String!) { member(cardNo: $c) { id tier card { status } } }"


async def _cards(account) -> list[tuple[str, CardStatus, str | None]]:
    return [(c.number, c.status, c.status_reason)
            for c in await MemberCard.filter(member_id=account.member.id).order_by("id")]


async def _audit(action: str) -> list[AuditLog]:
    return await AuditLog.filter(action=action).order_by("id")


async def _freeze(gql, cadre, member, reason="会员证疑似被冒用", mutation=FREEZE):
    r = await gql(mutation, {"input": {"memberId": member.id, "reason": reason}},
                  token=cadre.token)
    assert r.errors == []
    return next(iter(r.data.values()))


async def test_freeze_then_unfreeze_by_a_cadre_in_scope(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    cadre = await factory.cadre(tree.counties["A"])
    number = (await gql(ME, token=member.token)).data["me"]["card"]["number"]
    assert (await gql(BY_CARD, {"c": number}, token=cadre.token)).data["member"]["tier"] == \
        "VERIFIED"  # cached now

    frozen = await _freeze(gql, cadre, member)
    assert frozen == {"card": {"number": number, "status": "FROZEN"}, "errors": []}
    assert await _cards(member) == [(number, CardStatus.FROZEN, "会员证疑似被冒用")]
    # The cache was invalidated: the card still finds the member, frozen, tier MEMBER.
    assert (await gql(ME, token=member.token)).data["me"] == {
        "tier": "MEMBER", "card": {"number": number, "status": "FROZEN"}}
    found = (await gql(BY_CARD, {"c": number}, token=cadre.token)).data["member"]
    assert found == {"id": member.id, "tier": "MEMBER", "card": {"status": "FROZEN"}}

    thawed = await _freeze(gql, cadre, member, "核实为本人使用", UNFREEZE)
    assert thawed == {"card": {"number": number, "status": "ACTIVE"}, "errors": []}
    assert (await gql(ME, token=member.token)).data["me"]["tier"] == "VERIFIED"
    assert await _cards(member) == [(number, CardStatus.ACTIVE, "核实为本人使用")]

    rows = await _audit("identity.card.freeze") + await _audit("identity.card.unfreeze")
    assert [(r.actor_id, r.subject_type, r.detail["from"], r.detail["to"]) for r in rows] == [
        (cadre.member.id, "member_card", "ACTIVE", "FROZEN"),
        (cadre.member.id, "member_card", "FROZEN", "ACTIVE")]
    assert all("会员证" not in str(r.detail) for r in rows)  # reasons stay on the card row


async def test_freeze_outside_scope_reads_like_a_missing_member_and_changes_nothing(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["B"][0])
    cadre = await factory.cadre(tree.counties["A"])
    before = await _cards(member)
    for member_id in (member.id, "999999", "not-an-id"):
        r = await gql(FREEZE, {"input": {"memberId": member_id, "reason": "核查"}},
                      token=cadre.token)
        assert r.data["freezeCard"] == {
            "card": None, "errors": [{"code": "MEMBER_NOT_FOUND", "field": "memberId"}]}
    assert await _cards(member) == before
    assert await _audit("identity.card.freeze") == []


async def test_freeze_needs_a_cadre_and_a_reason(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    other = await factory.account(tree.grassroots["A"][0])
    denied = await gql(FREEZE, {"input": {"memberId": member.id, "reason": "x"}},
                       token=other.token)
    assert denied.error_codes() == ["FORBIDDEN"]
    cadre = await factory.cadre(tree.counties["A"])
    for reason, code in (("  ", "REASON_REQUIRED"), ("理" * 501, "REASON_TOO_LONG")):
        r = await gql(FREEZE, {"input": {"memberId": member.id, "reason": reason}},
                      token=cadre.token)
        assert r.data["freezeCard"]["errors"] == [{"code": code, "field": "reason"}]
    assert [s for _, s, _ in await _cards(member)] == [CardStatus.ACTIVE]


async def test_unfreezing_a_card_that_is_not_frozen_is_refused(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    cadre = await factory.cadre(tree.counties["A"])
    before = await _cards(member)
    r = await gql(UNFREEZE, {"input": {"memberId": member.id, "reason": "解冻"}},
                  token=cadre.token)
    assert r.data["unfreezeCard"]["errors"] == [{"code": "CARD_NOT_FROZEN", "field": "memberId"}]
    assert await _cards(member) == before
    await _freeze(gql, cadre, member)
    again = await gql(FREEZE, {"input": {"memberId": member.id, "reason": "再冻结"}},
                      token=cadre.token)
    assert again.data["freezeCard"]["errors"] == [{"code": "CARD_NOT_ACTIVE",
                                                   "field": "memberId"}]
    assert [s for _, s, _ in await _cards(member)] == [CardStatus.FROZEN]
    assert await AuditLog.filter(action__startswith="identity.card.").count() == 1


async def test_reissue_after_a_loss_reported_without_reissue(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    cadre = await factory.cadre(tree.counties["A"])
    old = (await gql(ME, token=member.token)).data["me"]["card"]["number"]
    assert (await gql(LOST, {"input": {"reissue": False}}, token=member.token)).data[
        "reportCardLost"] == {"card": None, "errors": []}
    assert (await gql(ME, token=member.token)).data["me"] == {"tier": "MEMBER", "card": None}

    out = (await gql(REISSUE, token=member.token)).data["reissueCard"]
    new = out["card"]["number"]
    assert out == {"card": {"number": new, "status": "ACTIVE"}, "errors": []} and new != old
    assert (await gql(ME, token=member.token)).data["me"] == {
        "tier": "VERIFIED", "card": {"number": new, "status": "ACTIVE"}}
    assert (await gql(BY_CARD, {"c": new}, token=cadre.token)).data["member"]["id"] == member.id
    assert (await gql(BY_CARD, {"c": old}, token=cadre.token)).data["member"] is None
    [row] = await _audit("identity.card.reissue")
    assert row.actor_id == member.member.id and row.detail["member_id"] == member.member.id

    # A second reissue: the member has an active card now.
    again = (await gql(REISSUE, token=member.token)).data["reissueCard"]
    assert again == {"card": None, "errors": [{"code": "CARD_ALREADY_ACTIVE", "field": None}]}
    assert [s for _, s, _ in await _cards(member)] == [CardStatus.LOST, CardStatus.ACTIVE]


async def test_reissue_refusals_change_nothing(gql, factory):
    tree = await factory.tree()
    active = await factory.account(tree.grassroots["A"][0])
    frozen = await factory.account(tree.grassroots["A"][0])
    await _freeze(gql, await factory.cadre(tree.counties["A"]), frozen)
    unaffiliated = await factory.account(verified=False)
    cases = ((active, "CARD_ALREADY_ACTIVE"), (frozen, "CARD_FROZEN"),
             (unaffiliated, "NOT_A_MEMBER"))
    for account, code in cases:
        before = await _cards(account)
        out = (await gql(REISSUE, token=account.token)).data["reissueCard"]
        assert [e["code"] for e in out["errors"]] == [code] and out["card"] is None
        assert await _cards(account) == before
    assert await _audit("identity.card.reissue") == []


async def test_concurrent_reissues_issue_one_card(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    await gql(LOST, {"input": {"reissue": False}}, token=member.token)
    results = await asyncio.gather(*(gql(REISSUE, token=member.token) for _ in range(5)))
    codes = sorted(tuple(e["code"] for e in r.data["reissueCard"]["errors"]) for r in results)
    assert codes == [(), *[("CARD_ALREADY_ACTIVE",)] * 4]
    statuses = [s for _, s, _ in await _cards(member)]
    assert statuses.count(CardStatus.ACTIVE) == 1 and len(statuses) == 2


async def test_concurrent_freeze_and_unfreeze_leave_a_consistent_card(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    cadre = await factory.cadre(tree.counties["A"])
    results = await asyncio.gather(*(
        gql(FREEZE if i % 2 == 0 else UNFREEZE, {"input": {"memberId": member.id,
                                                           "reason": "并发"}}, token=cadre.token)
        for i in range(6)))
    applied = [r for r in results if not next(iter(r.data.values()))["errors"]]
    [(_, status, _)] = await _cards(member)
    # Each applied step is one audited transition, and they alternate from ACTIVE.
    rows = await AuditLog.filter(action__startswith="identity.card.").order_by("id")
    assert len(rows) == len(applied) >= 1
    assert [r.detail["to"] for r in rows] == ["FROZEN", "ACTIVE"] * (len(rows) // 2) + (
        ["FROZEN"] if len(rows) % 2 else [])
    assert status.value == rows[-1].detail["to"]
    me = (await gql(ME, token=member.token)).data["me"]
    assert me["card"]["status"] == status.value
