"""Joining a union by join code with cadre review, through the GraphQL endpoint. (Transfers:
test_transfers.py; creating unions: test_union_creation.py.)"""

from __future__ import annotations

import asyncio
import time
from datetime import time as wall_time
from datetime import timedelta

import jwt
import pytest

from tests.identity.membership_flows import APPLY, BY_CARD, applicant, apply, codes, me, review
from unionhub.clock import SHANGHAI, utcnow
from unionhub.identity.codes import luhn_valid
from unionhub.identity.models import (
    JoinApplication,
    Member,
    MemberCard,
    ReviewStatus,
)
from unionhub.settings import get_settings
from unionhub.workcalendar import is_working_day, next_working_day

PENDING = """query Pending($u: ID!) { joinApplications(unionId: $u) { id status member { id } } }"""


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
    # application not counted): 21 calendar days from a weekday, more across public
    # holidays. On a day off it counts as made at 00:00 of the next working day (a Sunday's
    # is due at 00:00, 15 working days after the Monday).
    start, due = before.astimezone(SHANGHAI), row.due_at.astimezone(SHANGHAI)
    base = start.date()
    if is_working_day(base):
        assert start.time() <= due.time() <= after.astimezone(SHANGHAI).time() or \
            start.date() != after.astimezone(SHANGHAI).date()  # (applied across midnight)
    elif start.date() == after.astimezone(SHANGHAI).date():
        base = next_working_day(base)
        assert due.time() == wall_time(0, 0), (start, due)
    days = [base + timedelta(days=n) for n in range(1, (due.date() - base).days + 1)]
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
