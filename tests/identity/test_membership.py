"""Joining a union by join code with cadre review, transfers reviewed by the receiving union,
and creating unions (credit-code warnings, scope, region codes), through the GraphQL endpoint."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import jwt
import pytest

from unionhub.clock import SHANGHAI, utcnow
from unionhub.identity.codes import credit_code_check_char, luhn_valid
from unionhub.identity.lookup import get_record
from unionhub.identity.models import (
    CardStatus,
    JoinApplication,
    Member,
    MemberCard,
    ReviewStatus,
    TransferRequest,
    Union,
)
from unionhub.settings import get_settings
from unionhub.workcalendar import is_working_day

APPLY = """mutation Apply($input: ApplyToJoinInput!) {
  applyToJoin(input: $input) {
    application { id status reason dueAt union { id } member { id } }
    errors { code field message }
  }
}"""
REVIEW = """mutation Review($input: ReviewJoinApplicationInput!) {
  reviewJoinApplication(input: $input) {
    application { id status reason reviewedAt }
    errors { code field message }
  }
}"""
PENDING = """query Pending($u: ID!) { joinApplications(unionId: $u) { id status member { id } } }"""
ME = "query Me { me { id tier joinedAt union { id } card { number status } } }"
REQUEST_TRANSFER = """mutation T($input: RequestTransferInput!) {
  requestTransfer(input: $input) {
    transfer { id status reason fromUnion { id } toUnion { id } }
    errors { code field message }
  }
}"""
REVIEW_TRANSFER = """mutation RT($input: ReviewTransferInput!) {
  reviewTransfer(input: $input) {
    transfer { id status reason reviewReason } errors { code field message } }
}"""
BY_CARD = "query C($c: String!) { member(cardNo: $c) { id union { id } } }"
CREATE_UNION = """mutation CU($input: CreateUnionInput!) {
  createUnion(input: $input) {
    union { id name level regionCode parent { id } joinCode }
    warnings
    errors { code field message }
  }
}"""


def codes(payload: dict) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def applicant(factory):
    """A real-name verified worker who belongs to no union yet (waits in the holding pool)."""
    tree = await factory.tree()
    return await factory.account(tree.pool, verified=True)


async def apply(gql, account, join_code: str) -> dict:
    r = await gql(APPLY, {"input": {"joinCode": join_code}}, token=account.token)
    assert r.errors == []
    return r.data["applyToJoin"]


async def review(gql, cadre, application_id: str, approve: bool, reason: str | None = None):
    return await gql(REVIEW, {"input": {"applicationId": application_id, "approve": approve,
                                        "reason": reason}}, token=cadre.token)


async def me(gql, account) -> dict:
    r = await gql(ME, token=account.token)
    assert r.errors == []
    return r.data["me"]


# --- join -------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["NOSUCH99", "", "   ", "A" * 40])
async def test_an_unknown_join_code_is_refused(gql, factory, code):
    worker = await applicant(factory)
    out = await apply(gql, worker, code)
    assert out["application"] is None
    assert codes(out) == [("UNKNOWN_JOIN_CODE", "joinCode")]
    assert await JoinApplication.all().count() == 0


async def test_an_unverified_member_cannot_apply(gql, factory):
    tree = await factory.tree()
    worker = await factory.account(verified=False)
    out = await apply(gql, worker, tree.grassroots["A"][0].join_code)
    assert codes(out) == [("IDENTITY_NOT_VERIFIED", None)]
    assert await JoinApplication.all().count() == 0


async def test_join_codes_are_read_case_insensitively(gql, factory):
    tree = await factory.tree()
    worker = await applicant(factory)
    out = await apply(gql, worker, f" {tree.grassroots['A'][0].join_code.lower()} ")
    assert out["errors"] == [] and out["application"]["status"] == "PENDING"


async def test_cadre_approval_issues_a_card_and_makes_the_member_verified(gql, factory):
    tree = await factory.tree()
    union = tree.grassroots["A"][0]  # reviews by hand
    worker = await applicant(factory)
    out = await apply(gql, worker, union.join_code)
    application = out["application"]
    assert out["errors"] == [] and application["status"] == "PENDING"
    assert application["union"]["id"] == str(union.id)
    # Waiting: no card, not yet VERIFIED, still in the pool.
    waiting = await me(gql, worker)
    assert waiting["tier"] == "MEMBER" and waiting["card"] is None
    assert waiting["union"]["id"] == str(tree.pool.id) and waiting["joinedAt"] is None

    cadre = await factory.cadre(tree.counties["A"])
    listed = await gql(PENDING, {"u": str(tree.counties["A"].id)}, token=cadre.token)
    assert [a["id"] for a in listed.data["joinApplications"]] == [application["id"]]

    approved = (await review(gql, cadre, application["id"], True)).data["reviewJoinApplication"]
    assert approved["errors"] == [] and approved["application"]["status"] == "APPROVED"

    joined = await me(gql, worker)
    assert joined["tier"] == "VERIFIED" and joined["joinedAt"] is not None
    assert joined["union"]["id"] == str(union.id)
    number = joined["card"]["number"]
    assert joined["card"]["status"] == "ACTIVE"
    assert len(number) == 19 and number.isdigit() and luhn_valid(number)
    assert await MemberCard.filter(member_id=worker.member.id).count() == 1
    row = await JoinApplication.get(id=int(application["id"]))
    assert row.reviewed_by_id == cadre.member.id and row.reviewed_at is not None
    # The cadre finds the new member by card number.
    found = await gql(BY_CARD, {"c": number}, token=cadre.token)
    assert found.data["member"]["id"] == worker.id


async def test_review_is_due_within_15_working_days(gql, factory):
    tree = await factory.tree()
    worker = await applicant(factory)
    before = utcnow()
    await apply(gql, worker, tree.grassroots["A"][0].join_code)
    after = utcnow()
    row = await JoinApplication.get(member_id=worker.member.id)
    # The same Shanghai wall-clock time, 15 working days later by the calendar (the day of
    # application not counted): 19 calendar days from a Sunday, 21 from a weekday, more
    # across public holidays. (It said "20 to 21 days" until it ran on a Sunday in Shanghai.)
    start, due = before.astimezone(SHANGHAI), row.due_at.astimezone(SHANGHAI)
    assert start.time() <= due.time() <= after.astimezone(SHANGHAI).time() or \
        start.date() != after.astimezone(SHANGHAI).date()  # (applied across midnight)
    days = [start.date() + timedelta(days=n) for n in range(1, (due.date() - start.date()).days + 1)]
    assert sum(map(is_working_day, days)) == 15 and is_working_day(due.date()), (start, due)


async def test_cards_issued_on_approval_are_unique(gql, factory):
    tree = await factory.tree()
    auto = tree.grassroots["A"][1]
    workers = [await applicant(factory) for _ in range(12)]
    results = await asyncio.gather(*(apply(gql, w, auto.join_code) for w in workers))
    assert all(r["application"]["status"] == "APPROVED" for r in results)
    numbers = [c.number for c in await MemberCard.all()]
    assert len(numbers) == 12 and len(set(numbers)) == 12
    assert all(luhn_valid(n) and len(n) == 19 for n in numbers)


async def test_a_rejection_needs_a_reason_and_the_worker_may_resubmit(gql, factory):
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    worker = await applicant(factory)
    cadre = await factory.cadre(tree.counties["A"])
    first = (await apply(gql, worker, union.join_code))["application"]

    for reason in (None, "", "   "):
        out = (await review(gql, cadre, first["id"], False, reason)).data["reviewJoinApplication"]
        assert codes(out) == [("REASON_REQUIRED", "reason")]
        assert (await JoinApplication.get(id=int(first["id"]))).status == ReviewStatus.PENDING

    out = (await review(gql, cadre, first["id"], False, "请上传劳动合同")).data[
        "reviewJoinApplication"]
    assert out["errors"] == []
    assert out["application"]["status"] == "REJECTED"
    assert out["application"]["reason"] == "请上传劳动合同"
    rejected = await me(gql, worker)
    assert rejected["card"] is None and rejected["tier"] == "MEMBER"

    again = await apply(gql, worker, union.join_code)
    assert again["errors"] == [] and again["application"]["status"] == "PENDING"
    assert again["application"]["id"] != first["id"]
    ok = (await review(gql, cadre, again["application"]["id"], True)).data["reviewJoinApplication"]
    assert ok["application"]["status"] == "APPROVED"
    assert (await me(gql, worker))["tier"] == "VERIFIED"
    statuses = await JoinApplication.filter(member_id=worker.member.id).order_by("id") \
        .values_list("status", flat=True)
    assert statuses == [ReviewStatus.REJECTED, ReviewStatus.APPROVED]


async def test_an_auto_approving_union_approves_at_once(gql, factory):
    tree = await factory.tree()
    auto = tree.grassroots["B"][1]
    assert auto.auto_approve
    worker = await applicant(factory)
    out = await apply(gql, worker, auto.join_code)
    assert out["errors"] == [] and out["application"]["status"] == "APPROVED"
    joined = await me(gql, worker)
    assert joined["tier"] == "VERIFIED" and joined["union"]["id"] == str(auto.id)
    assert luhn_valid(joined["card"]["number"])
    row = await JoinApplication.get(member_id=worker.member.id)
    assert row.reviewed_by_id is None and row.reviewed_at is not None


async def test_a_cadre_of_another_county_cannot_review(gql, factory):
    tree = await factory.tree()
    worker = await applicant(factory)
    application = (await apply(gql, worker, tree.grassroots["A"][0].join_code))["application"]
    outsider = await factory.cadre(tree.counties["B"])
    # Out of scope answers exactly like an id that does not exist: no id is disclosed.
    missing = await review(gql, outsider, str(int(application["id"]) + 1000), True)
    for approve, reason in ((True, None), (False, "不符合条件")):
        r = await review(gql, outsider, application["id"], approve, reason)
        assert r.errors == [] and r.data == missing.data
        assert r.data["reviewJoinApplication"]["application"] is None
        assert codes(r.data["reviewJoinApplication"]) == [("NOT_FOUND", "applicationId")]
    listed = await gql(PENDING, {"u": str(tree.counties["A"].id)}, token=outsider.token)
    assert listed.error_codes() == ["FORBIDDEN"]
    row = await JoinApplication.get(id=int(application["id"]))
    assert row.status == ReviewStatus.PENDING and row.reviewed_by_id is None
    assert (await Member.get(id=worker.member.id)).union_id == tree.pool.id
    assert await MemberCard.filter(member_id=worker.member.id).count() == 0


async def test_a_plain_member_cannot_review(gql, factory):
    tree = await factory.tree()
    worker = await applicant(factory)
    application = (await apply(gql, worker, tree.grassroots["A"][0].join_code))["application"]
    member = await factory.account(tree.grassroots["A"][0])
    r = await review(gql, member, application["id"], True)
    assert r.error_codes() == ["FORBIDDEN"]
    r = await review(gql, worker, application["id"], True)  # nor the applicant
    assert r.error_codes() == ["FORBIDDEN"]
    assert (await JoinApplication.get(id=int(application["id"]))).status == ReviewStatus.PENDING


async def test_a_reviewed_application_cannot_be_reviewed_again(gql, factory):
    tree = await factory.tree()
    worker = await applicant(factory)
    cadre = await factory.cadre(tree.counties["A"])
    application = (await apply(gql, worker, tree.grassroots["A"][0].join_code))["application"]
    await review(gql, cadre, application["id"], True)
    card = await MemberCard.get(member_id=worker.member.id)
    for approve, reason in ((True, None), (False, "重复")):
        out = (await review(gql, cadre, application["id"], approve, reason)).data[
            "reviewJoinApplication"]
        assert codes(out) == [("INVALID_TRANSITION", None)]
    row = await JoinApplication.get(id=int(application["id"]))
    assert row.status == ReviewStatus.APPROVED and row.reason is None
    assert [c.number for c in await MemberCard.filter(member_id=worker.member.id)] == [card.number]


async def test_concurrent_reviews_of_one_application_decide_once(gql, factory):
    tree = await factory.tree()
    worker = await applicant(factory)
    county, province = await factory.cadre(tree.counties["A"]), await factory.cadre(tree.province)
    application = (await apply(gql, worker, tree.grassroots["A"][0].join_code))["application"]
    results = await asyncio.gather(*(review(gql, c, application["id"], True)
                                     for c in (county, province, county, province)))
    outcomes = sorted(str(codes(r.data["reviewJoinApplication"])) for r in results)
    assert outcomes == ["[('INVALID_TRANSITION', None)]"] * 3 + ["[]"]
    assert await MemberCard.filter(member_id=worker.member.id).count() == 1


async def test_a_pending_application_blocks_a_second(gql, factory):
    tree = await factory.tree()
    worker = await applicant(factory)
    first = await apply(gql, worker, tree.grassroots["A"][0].join_code)
    assert first["application"]["status"] == "PENDING"
    for union in (tree.grassroots["A"][0], tree.grassroots["B"][0], tree.grassroots["B"][1]):
        out = await apply(gql, worker, union.join_code)
        assert codes(out) == [("APPLICATION_PENDING", None)]
    assert await JoinApplication.filter(member_id=worker.member.id).count() == 1
    assert (await Member.get(id=worker.member.id)).union_id == tree.pool.id


async def test_concurrent_applications_make_one(gql, factory):
    tree = await factory.tree()
    worker = await applicant(factory)
    unions = [tree.grassroots["A"][0], tree.grassroots["B"][0], tree.grassroots["C"][0]] * 2
    results = await asyncio.gather(*(apply(gql, worker, u.join_code) for u in unions))
    assert sorted(str(codes(r)) for r in results) == \
        ["[('APPLICATION_PENDING', None)]"] * 5 + ["[]"]
    assert await JoinApplication.filter(member_id=worker.member.id).count() == 1


async def test_a_member_of_a_union_transfers_instead_of_joining(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    out = await apply(gql, member, tree.grassroots["B"][1].join_code)
    assert codes(out) == [("ALREADY_MEMBER", None)]
    assert await JoinApplication.all().count() == 0


async def test_applying_needs_a_signed_in_member(gql, factory):
    tree = await factory.tree()
    r = await gql(APPLY, {"input": {"joinCode": tree.grassroots["A"][0].join_code}})
    assert r.error_codes() == ["UNAUTHENTICATED"]
    worker = await applicant(factory)
    expired = jwt.encode({"sub": worker.id, "role": "MEMBER", "aud": "unionhub", "typ": "access",
                          "exp": int(time.time()) - 5}, get_settings().jwt_secret,
                         algorithm="HS256")
    r = await gql(APPLY, {"input": {"joinCode": tree.grassroots["A"][0].join_code}},
                  token=expired)
    assert r.error_codes() == ["UNAUTHENTICATED"]
    assert r.errors[0]["extensions"]["reason"] == "TOKEN_EXPIRED"
    assert await JoinApplication.all().count() == 0


# --- transfer ---------------------------------------------------------------------------------

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


# --- creating unions: credit codes, scope, region codes ---------------------------------------

def credit_code(region: str, body: str = "MA6TG1234", wrong: bool = False) -> str:
    code = "81" + region + body
    check = credit_code_check_char(code)
    if wrong:
        check = "0" if check != "0" else "1"
    return code + check


async def create_union(gql, cadre, parent: Union, *, name="雁塔区新就业形态联合工会",
                       level="GRASSROOTS", region=None, credit=None):
    r = await gql(CREATE_UNION, {"input": {
        "name": name, "level": level, "regionCode": region or parent.region_code,
        "parentId": str(parent.id), "creditCode": credit}}, token=cadre.token)
    return r


async def test_a_wrong_credit_code_check_char_is_kept_with_a_warning(gql, factory):
    tree = await factory.tree()
    county = tree.counties["A"]
    cadre = await factory.cadre(county)
    code = credit_code("610113", wrong=True)
    r = await create_union(gql, cadre, county, credit=code)
    out = r.data["createUnion"]
    assert out["errors"] == []
    assert len(out["warnings"]) == 1 and "check character" in out["warnings"][0]
    union = out["union"]
    assert union["level"] == "GRASSROOTS" and union["parent"]["id"] == str(county.id)
    assert union["joinCode"]  # the creator's scope holds it
    row = await Union.get(id=int(union["id"]))
    assert row.credit_code == code and row.path == f"{county.path}{row.id}/"


async def test_a_valid_credit_code_has_no_warnings(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.cities["xian"])
    out = (await create_union(gql, cadre, tree.counties["A"],
                              credit=credit_code("610113").lower())).data["createUnion"]
    assert out["errors"] == [] and out["warnings"] == []
    assert (await Union.get(id=int(out["union"]["id"]))).credit_code == credit_code("610113")


async def test_a_union_without_a_credit_code_is_fine(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    out = (await create_union(gql, cadre, tree.counties["A"])).data["createUnion"]
    assert out["errors"] == [] and out["warnings"] == []


@pytest.mark.parametrize("code", ["81610113MA6TG123", "81610113MA6TG12345X", "81610113MA6TG123IO",
                                  "81610113 MA6TG123"])
async def test_a_malformed_credit_code_is_refused(gql, factory, code):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    before = await Union.all().count()
    out = (await create_union(gql, cadre, tree.counties["A"], credit=code)).data["createUnion"]
    assert codes(out) == [("CREDIT_CODE_FORMAT", "creditCode")]
    assert await Union.all().count() == before


async def test_creating_a_union_outside_the_cadres_scope_is_forbidden(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    before = await Union.all().count()
    r = await create_union(gql, cadre, tree.counties["B"], credit=credit_code("610103"))
    assert r.error_codes() == ["FORBIDDEN"] and r.data.get("createUnion") is None
    # Nor above the cadre's own org.
    r = await create_union(gql, cadre, tree.cities["xian"], level="COUNTY", region="610116",
                           name="长安区总工会")
    assert r.error_codes() == ["FORBIDDEN"]
    member = await factory.account(tree.grassroots["A"][0])
    r = await create_union(gql, member, tree.counties["A"])
    assert r.error_codes() == ["FORBIDDEN"]
    assert await Union.all().count() == before


@pytest.mark.parametrize(("parent_key", "level", "region", "code"), [
    ("A", "GRASSROOTS", "610302", "REGION_CODE_OUTSIDE_PARENT"),   # Baoji's Weibin under Yanta
    ("A", "GRASSROOTS", "620102", "REGION_CODE_OUTSIDE_PARENT"),   # Gansu
    ("xian", "COUNTY", "610302", "REGION_CODE_OUTSIDE_PARENT"),    # Baoji county under Xi'an
    ("province", "CITY", "620100", "REGION_CODE_OUTSIDE_PARENT"),  # Lanzhou under Shaanxi
    ("province", "CITY", "610116", "REGION_CODE_LEVEL"),           # a city code ends in 00
    ("A", "GRASSROOTS", "61011", "REGION_CODE_FORMAT"),
    ("A", "GRASSROOTS", "61011X", "REGION_CODE_FORMAT"),
    ("A", "COUNTY", "610113", "LEVEL_MISMATCH"),
])
async def test_region_codes_must_fit_the_parent(gql, factory, parent_key, level, region, code):
    tree = await factory.tree()
    parent = {"province": tree.province, "xian": tree.cities["xian"]}.get(parent_key) \
        or tree.counties.get(parent_key)
    cadre = await factory.cadre(tree.province)
    before = await Union.all().count()
    out = (await create_union(gql, cadre, parent, level=level, region=region,
                              name="新建工会组织")).data["createUnion"]
    assert out["union"] is None
    assert [e["code"] for e in out["errors"]] == [code]
    assert await Union.all().count() == before


@pytest.mark.parametrize(("parent_key", "level", "region"), [
    ("xian", "COUNTY", "610116"),
    ("province", "CITY", "610400"),
    ("A", "GRASSROOTS", "610113"),
])
async def test_region_codes_inside_the_parent_are_accepted(gql, factory, parent_key, level,
                                                           region):
    tree = await factory.tree()
    parent = {"province": tree.province, "xian": tree.cities["xian"]}.get(parent_key) \
        or tree.counties.get(parent_key)
    cadre = await factory.cadre(tree.province)
    out = (await create_union(gql, cadre, parent, level=level, region=region,
                              name="新建工会组织")).data["createUnion"]
    assert out["errors"] == [] and out["union"]["regionCode"] == region
    row = await Union.get(id=int(out["union"]["id"]))
    assert (row.join_code is not None) == (level == "GRASSROOTS")


async def test_a_new_grassroots_union_takes_members_by_its_join_code(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    out = (await create_union(gql, cadre, tree.counties["A"])).data["createUnion"]
    worker = await applicant(factory)
    application = (await apply(gql, worker, out["union"]["joinCode"]))["application"]
    approved = (await review(gql, cadre, application["id"], True)).data["reviewJoinApplication"]
    assert approved["application"]["status"] == "APPROVED"
    assert (await Member.get(id=worker.member.id)).union_id == int(out["union"]["id"])
    assert (await MemberCard.get(member_id=worker.member.id)).status == CardStatus.ACTIVE
