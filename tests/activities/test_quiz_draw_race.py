"""A high quiz score entering its draw while the member enrols in that draw by hand: the
submission stands and the member is one entrant; and two of a member's attempts scored at
once: one best. (PostgreSQL: each race is held open by a row lock, so it is the same every
run.)"""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta

import asyncpg
import pytest

from tests.activities.helpers import BOARD, create, enroll
from tests.activities.quiz_flows import QUESTIONS, RIGHT, SEVENTY, SUBMIT, _answers, _start
from tests.pg_locks import until_waiting
from unionhub.activities.models import Activity, Enrollment, QuizAttempt
from unionhub.activities.quizzes import GRACE
from unionhub.clock import utcnow

pytestmark = pytest.mark.skipif(not os.environ["DATABASE_URL"].startswith("postgres"),
                                reason="a row lock held from a second connection")


async def test_a_submission_racing_the_members_own_enrolment_stands(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    draw = await create(gql, cadre, tree.counties["A"], "BENEFIT_DRAW", winnersCount=1)
    quiz = await create(gql, cadre, tree.counties["A"], "QUIZ", questions=QUESTIONS,
                        drawActivityId=draw["id"], drawThreshold=90)
    member = await factory.account(tree.grassroots["A"][0])
    assert (await enroll(gql, member, quiz["id"]))["errors"] == []
    started = await _start(gql, member, quiz["id"])
    draw_id = int(draw["id"])

    holder = await asyncpg.connect(os.environ["DATABASE_URL"])
    watcher = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        held = holder.transaction()
        await held.start()
        await holder.execute("SELECT 1 FROM activities WHERE id = $1 FOR UPDATE", draw_id)
        # The submission finds no entry yet, then waits for the draw's row to take a seat ...
        submitting = asyncio.create_task(gql(
            SUBMIT, {"id": quiz["id"], "answers": _answers(started["attempt"], RIGHT)},
            token=member.token))
        await until_waiting(watcher)
        # ... while the member's own enrolment (as `enroll` writes it) commits first.
        await holder.execute("UPDATE activities SET enrolled_count = enrolled_count + 1 "
                             "WHERE id = $1", draw_id)
        await holder.execute("INSERT INTO activity_enrollments (activity_id, member_id, "
                             "union_id, status, enrolled_at, total_counted, step_days) "
                             "VALUES ($1, $2, $3, 'ENROLLED', now(), 0, 0)",
                             draw_id, member.member.id, member.member.union_id)
        await held.commit()
        result = await asyncio.wait_for(submitting, 30)
    finally:
        await holder.close()
        await watcher.close()
    assert result.errors == [], result.body  # (before: INTERNAL, the submission lost)
    payload = result.data["submitQuizAnswers"]
    assert payload["errors"] == [], payload
    assert payload["result"]["score"] == 100
    assert await QuizAttempt.filter(member_id=member.member.id, best=True).count() == 1
    assert await Enrollment.filter(activity_id=draw_id).count() == 1
    assert (await Activity.get(id=draw_id)).enrolled_count == 1


async def test_two_attempts_scored_at_once_leave_one_best(gql, factory):
    # Attempt 1 is answered just inside its time (the draw's row held, so its submission
    # waits in its transaction after flagging itself best); attempt 2, started once attempt 1's
    # time is up, is answered meanwhile. Each flagged itself, neither saw the other: two best
    # attempts, two lines for one member on the board. (Since starts take the enrolment row's
    # turn too, attempt 2 is started only once attempt 1 is scored; one best either way.)
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    draw = await create(gql, cadre, tree.counties["A"], "BENEFIT_DRAW", winnersCount=1)
    quiz = await create(gql, cadre, tree.counties["A"], "QUIZ", questions=QUESTIONS,
                        drawActivityId=draw["id"], drawThreshold=90, attemptsPerDay=2,
                        timeLimitSeconds=30)
    member = await factory.account(tree.grassroots["A"][0])
    assert (await enroll(gql, member, quiz["id"]))["errors"] == []
    first = await _start(gql, member, quiz["id"])
    ends = utcnow() + timedelta(seconds=2)  # attempt 1's time (with the grace) is up then
    await QuizAttempt.filter(member_id=member.member.id).update(
        started_at=ends - timedelta(seconds=30) - GRACE)

    holder = await asyncpg.connect(os.environ["DATABASE_URL"])
    watcher = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        held = holder.transaction()
        await held.start()
        await holder.execute("SELECT 1 FROM activities WHERE id = $1 FOR UPDATE", int(draw["id"]))
        answering = asyncio.create_task(gql(
            SUBMIT, {"id": quiz["id"], "answers": _answers(first["attempt"], RIGHT)},
            token=member.token))
        await until_waiting(watcher)
        await asyncio.sleep(max(0.0, (ends - utcnow()).total_seconds()) + 0.2)
        # Starting attempt 2 takes the member's turn on the enrolment row as well (a double
        # tap makes one attempt): it waits for attempt 1's scoring, then finds it submitted.
        starting = asyncio.create_task(_start(gql, member, quiz["id"]))
        await asyncio.wait([starting], timeout=2)
        assert not starting.done()
        await held.rollback()
        second = await asyncio.wait_for(starting, 30)
        assert second["errors"] == [] and second["attempt"]["startedAt"] != \
            first["attempt"]["startedAt"]
        weaker = gql(SUBMIT, {"id": quiz["id"], "answers": _answers(second["attempt"], SEVENTY)},
                     token=member.token)
        results = await asyncio.wait_for(asyncio.gather(answering, weaker), 30)
    finally:
        await holder.close()
        await watcher.close()
    scores = sorted(r.data["submitQuizAnswers"]["result"]["score"] for r in results)
    assert scores == [70, 100], [r.body for r in results]
    bests = await QuizAttempt.filter(member_id=member.member.id, best=True).values_list(
        "score", flat=True)
    assert bests == [100]
    board = await gql(BOARD, {"id": quiz["id"], "by": "MEMBER"}, token=member.token)
    assert [(e["member"]["id"], e["score"]) for e in board.data["leaderboard"]] == \
        [(member.id, 100.0)]
