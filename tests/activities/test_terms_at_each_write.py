"""An activity's terms (its scope, its tier) were checked only at enrolment: a member whose
card was frozen or cancelled, or who left the union, since enrolling kept recording steps and
reading, starting and answering quizzes, and kept their ticket in benefit draws meant for
verified members. Each write now checks them again (OUT_OF_SCOPE, TIER_REQUIRED, nothing
written), and a draw gives no ticket to an enrolment whose member it no longer admits (that
enrolment turns LAPSED; the published recomputation reads it)."""

from __future__ import annotations

import hashlib

from tests.activities.helpers import DRAW, READ, STEPS, create, day, enroll
from tests.activities.quiz_flows import QUESTIONS, RIGHT, SUBMIT, _answers, _start
from tests.identity.card_flows import FREEZE
from unionhub.activities.models import (
    Enrollment,
    EnrollmentStatus,
    QuizAttempt,
    ReadingRecord,
    StepRecord,
)

LEAVE = """mutation L($input: LeaveUnionInput!) { leaveUnion(input: $input) { errors { code } } }"""


async def _freeze(gql, cadre, account) -> None:
    r = await gql(FREEZE, {"input": {"memberId": str(account.member.id), "reason": "挂失"}},
                  token=cadre.token)
    assert r.errors == [] and r.data["freezeCard"]["errors"] == [], r


def _codes(result, field: str) -> list[str]:
    assert result.errors == [], result.errors
    return [e["code"] for e in result.data[field]["errors"]]


async def test_a_member_who_lost_the_tier_records_nothing_more(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    walk = await create(gql, cadre, tree.counties["A"])  # VERIFIED, the default
    reading = await create(gql, cadre, tree.counties["A"], "READING")
    quiz = await create(gql, cadre, tree.counties["A"], "QUIZ", questions=QUESTIONS,
                        attemptsPerDay=3)
    member = await factory.account(tree.grassroots["A"][0])
    for activity in (walk, reading, quiz):
        assert (await enroll(gql, member, activity["id"]))["errors"] == []
    steps = {"id": walk["id"], "date": day(1), "steps": 4000}
    assert _codes(await gql(STEPS, steps, token=member.token), "submitSteps") == []
    read = {"id": reading["id"], "d": day(1), "m": 30, "t": "平凡的世界"}
    assert _codes(await gql(READ, read, token=member.token), "recordReading") == []
    attempt = (await _start(gql, member, quiz["id"]))["attempt"]

    await _freeze(gql, cadre, member)
    assert _codes(await gql(STEPS, {**steps, "steps": 9000}, token=member.token),
                  "submitSteps") == ["TIER_REQUIRED"]
    assert _codes(await gql(STEPS, {**steps, "date": day(0)}, token=member.token),
                  "submitSteps") == ["TIER_REQUIRED"]
    assert _codes(await gql(READ, {**read, "m": 90}, token=member.token),
                  "recordReading") == ["TIER_REQUIRED"]
    submitted = await gql(SUBMIT, {"id": quiz["id"], "answers": _answers(attempt, RIGHT)},
                          token=member.token)
    assert _codes(submitted, "submitQuizAnswers") == ["TIER_REQUIRED"]
    assert (await _start(gql, member, quiz["id"]))["errors"] == [{"code": "TIER_REQUIRED"}]

    assert [(s.steps, s.day.isoformat()) for s in await StepRecord.filter(
        member_id=member.member.id)] == [(4000, day(1))]
    assert [r.minutes for r in await ReadingRecord.filter(member_id=member.member.id)] == [30]
    attempts = await QuizAttempt.filter(member_id=member.member.id)
    assert [(a.submitted_at, a.score) for a in attempts] == [(None, None)]
    walked = await Enrollment.get(activity_id=int(walk["id"]), member_id=member.member.id)
    assert (walked.total_counted, walked.step_days) == (4000, 1)


async def test_a_draw_gives_no_ticket_to_members_it_no_longer_admits(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    draw = await create(gql, cadre, tree.counties["A"], "BENEFIT_DRAW", winnersCount=5,
                        name="普惠抽奖")
    members = [await factory.account(tree.grassroots["A"][i % 2]) for i in range(4)]
    for m in members:
        assert (await enroll(gql, m, draw["id"]))["errors"] == []
    frozen, gone = members[0], members[1]
    await _freeze(gql, cadre, frozen)
    assert _codes(await gql(LEAVE, {"input": {}}, token=gone.token), "leaveUnion") == []

    result = await gql(DRAW, {"id": draw["id"]}, token=cadre.token)
    assert result.errors == [] and result.data["runDraw"]["errors"] == []
    info = result.data["runDraw"]["activity"]["draw"]
    entrants = sorted(m.member.id for m in members[2:])
    assert sorted(int(w["id"]) for w in info["winners"]) == entrants  # 5 prizes, 2 entrants
    assert info["entrantsDigest"] == hashlib.sha256(
        ",".join(str(m) for m in entrants).encode()).hexdigest()
    assert info["verified"] is True
    statuses = {e.member_id: e.status for e in await Enrollment.filter(
        activity_id=int(draw["id"]))}
    assert statuses == {frozen.member.id: EnrollmentStatus.LAPSED,
                        gone.member.id: EnrollmentStatus.LAPSED,
                        members[2].member.id: EnrollmentStatus.WON,
                        members[3].member.id: EnrollmentStatus.WON}
