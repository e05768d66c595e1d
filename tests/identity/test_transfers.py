"""Transfers between unions through GraphQL, reviewed by the receiving union (or a cadre above
both): the card and the cached member follow the approval; a rejection needs a reason; requests
that make no sense are refused; concurrent reviews decide once; a pending transfer blocks a
second."""

from __future__ import annotations

import asyncio

from tests.identity.membership_flows import (
    BY_CARD,
    REQUEST_TRANSFER,
    REVIEW_TRANSFER,
    applicant,
    codes,
    me,
)
from unionhub.identity.lookup import get_record
from unionhub.identity.models import (
    Member,
    MemberCard,
    ReviewStatus,
    TransferRequest,
    Union,
)


async def request_transfer(gql, account, to_union: Union | str, reason: str | None = None):
    to_id = to_union if isinstance(to_union, str) else str(to_union.id)
    r = await gql(REQUEST_TRANSFER, {"input": {"toUnionId": to_id, "reason": reason}},
                  token=account.token)
    assert r.errors == []
    return r.data["requestTransfer"]


async def review_transfer(gql, cadre, transfer_id: str, approve: bool, reason: str | None = None):
    return await gql(REVIEW_TRANSFER, {"input": {"transferId": transfer_id, "approve": approve,
                                                 "reason": reason}}, token=cadre.token)


async def test_transfer_approved_by_the_receiving_union(gql, factory):
    tree = await factory.tree()
    home, target = tree.grassroots["A"][0], tree.grassroots["B"][0]
    member = await factory.account(home)
    before = await me(gql, member)
    card_number = before["card"]["number"]
    sending = await factory.cadre(tree.counties["A"])
    receiving = await factory.cadre(tree.counties["B"])
    # The sending county looks the member up by card, filling the cache.
    assert (await gql(BY_CARD, {"c": card_number}, token=sending.token)).data["member"]

    out = await request_transfer(gql, member, target, "换工作了")
    transfer = out["transfer"]
    assert out["errors"] == [] and transfer["status"] == "PENDING"
    assert transfer["fromUnion"]["id"] == str(home.id)
    assert transfer["toUnion"]["id"] == str(target.id)

    # While the transfer waits the member keeps every service where they are.
    waiting = await me(gql, member)
    assert waiting["tier"] == "VERIFIED" and waiting["union"]["id"] == str(home.id)
    assert (await get_record(member.member.id)).is_verified_member

    # The sending county (outside the receiving scope) cannot decide.
    denied = await review_transfer(gql, sending, transfer["id"], True)
    missing = await review_transfer(gql, sending, str(int(transfer["id"]) + 1000), True)
    assert denied.errors == [] and denied.data == missing.data
    assert codes(denied.data["reviewTransfer"]) == [("NOT_FOUND", "transferId")]
    assert (await TransferRequest.get(id=int(transfer["id"]))).status == ReviewStatus.PENDING
    assert (await Member.get(id=member.member.id)).union_id == home.id

    done = (await review_transfer(gql, receiving, transfer["id"], True)).data["reviewTransfer"]
    assert done["errors"] == [] and done["transfer"]["status"] == "APPROVED"

    after = await me(gql, member)
    assert after["union"]["id"] == str(target.id)
    assert after["card"] == {"number": card_number, "status": "ACTIVE"}  # the card stays
    assert after["tier"] == "VERIFIED" and after["joinedAt"] == before["joinedAt"]
    # The receiving county now finds the member by card; the sending county no longer does.
    found = await gql(BY_CARD, {"c": card_number}, token=receiving.token)
    assert found.data["member"] == {"id": member.id, "union": {"id": str(target.id)}}
    gone = await gql(BY_CARD, {"c": card_number}, token=sending.token)
    assert gone.errors == [] and gone.data["member"] is None

    # History: a second transfer adds a row; the first is kept as it was.
    back = await request_transfer(gql, member, tree.grassroots["A"][1])
    await review_transfer(gql, sending, back["transfer"]["id"], True)
    rows = await TransferRequest.filter(member_id=member.member.id).order_by("id")
    assert [(r.from_union_id, r.to_union_id, r.status) for r in rows] == [
        (home.id, target.id, ReviewStatus.APPROVED),
        (target.id, tree.grassroots["A"][1].id, ReviewStatus.APPROVED),
    ]
    assert rows[0].reviewed_by_id == receiving.member.id and rows[0].reason == "换工作了"
    assert await MemberCard.filter(member_id=member.member.id).count() == 1


async def test_a_cadre_above_both_unions_may_decide(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    transfer = (await request_transfer(gql, member, tree.grassroots["C"][0]))["transfer"]
    province = await factory.cadre(tree.province)
    done = (await review_transfer(gql, province, transfer["id"], True)).data["reviewTransfer"]
    assert done["transfer"]["status"] == "APPROVED"


async def test_a_rejected_transfer_needs_a_reason_and_leaves_the_member(gql, factory):
    tree = await factory.tree()
    home, target = tree.grassroots["A"][0], tree.grassroots["B"][0]
    member = await factory.account(home)
    receiving = await factory.cadre(tree.counties["B"])
    transfer = (await request_transfer(gql, member, target, "搬家"))["transfer"]
    out = (await review_transfer(gql, receiving, transfer["id"], False)).data["reviewTransfer"]
    assert codes(out) == [("REASON_REQUIRED", "reason")]
    assert (await TransferRequest.get(id=int(transfer["id"]))).status == ReviewStatus.PENDING

    out = (await review_transfer(gql, receiving, transfer["id"], False, "不在本单位工作")).data[
        "reviewTransfer"]
    assert out["errors"] == [] and out["transfer"]["status"] == "REJECTED"
    # The member's own reason stays; the reviewer's is kept beside it.
    assert out["transfer"]["reason"] == "搬家"
    assert out["transfer"]["reviewReason"] == "不在本单位工作"
    assert (await Member.get(id=member.member.id)).union_id == home.id
    assert (await me(gql, member))["tier"] == "VERIFIED"

    again = (await review_transfer(gql, receiving, transfer["id"], True)).data["reviewTransfer"]
    assert codes(again) == [("INVALID_TRANSITION", None)]
    assert (await Member.get(id=member.member.id)).union_id == home.id
    # A new request may follow the rejection.
    retry = await request_transfer(gql, member, target)
    assert retry["errors"] == [] and retry["transfer"]["status"] == "PENDING"


async def test_transfer_requests_that_make_no_sense_are_refused(gql, factory):
    tree = await factory.tree()
    home = tree.grassroots["A"][0]
    member = await factory.account(home)
    cases = [
        (home, ("SAME_UNION", "toUnionId")),
        (tree.counties["B"], ("NOT_GRASSROOTS", "toUnionId")),
        (tree.pool, ("NOT_GRASSROOTS", "toUnionId")),
        ("999999", ("NOT_FOUND", "toUnionId")),  # the input's name, not the domain's
    ]
    for target, expected in cases:
        out = await request_transfer(gql, member, target)
        assert out["transfer"] is None
        assert codes(out)[0] == expected
    worker = await applicant(factory)  # verified, in the pool, in no union
    out = await request_transfer(gql, worker, tree.grassroots["B"][0])
    assert codes(out) == [("NOT_A_MEMBER", None)]
    assert await TransferRequest.all().count() == 0


async def test_concurrent_transfer_reviews_decide_once(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    transfer = (await request_transfer(gql, member, tree.grassroots["B"][0]))["transfer"]
    county, province = await factory.cadre(tree.counties["B"]), await factory.cadre(tree.province)
    results = await asyncio.gather(
        review_transfer(gql, county, transfer["id"], True),
        review_transfer(gql, province, transfer["id"], False, "不予接收"),
        review_transfer(gql, county, transfer["id"], False, "不予接收"),
        review_transfer(gql, province, transfer["id"], True))
    outcomes = [codes(r.data["reviewTransfer"]) for r in results]
    assert outcomes.count([]) == 1
    assert outcomes.count([("INVALID_TRANSITION", None)]) == 3
    winner = results[outcomes.index([])].data["reviewTransfer"]["transfer"]["status"]
    row = await TransferRequest.get(id=int(transfer["id"]))
    assert row.status.value == winner
    expected = tree.grassroots["B"][0].id if winner == "APPROVED" else tree.grassroots["A"][0].id
    assert (await Member.get(id=member.member.id)).union_id == expected


async def test_a_pending_transfer_blocks_a_second(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    results = await asyncio.gather(*(request_transfer(gql, member, u) for u in
                                     (tree.grassroots["B"][0], tree.grassroots["B"][1],
                                      tree.grassroots["C"][0])))
    assert sorted(str(codes(r)) for r in results) == \
        ["[('TRANSFER_PENDING', None)]"] * 2 + ["[]"]
    assert await TransferRequest.filter(member_id=member.member.id).count() == 1
