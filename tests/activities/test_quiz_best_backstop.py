"""The database's backstop of "one best attempt per member": a writer outside the enrolment
lock that flags another of the member's attempts while a submission is scoring makes that
submission answer QUIZ_SUBMIT_CONTENDED with nothing saved, not a second best attempt (nor a
500). (PostgreSQL: the other writer's uncommitted flag is held open by a second connection,
so the submission waits on the unique index the same way every run.)"""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta

import asyncpg
import pytest

from tests.activities.helpers import BOARD, create, enroll
from tests.activities.quiz_flows import QUESTIONS, SEVENTY, SUBMIT, _answers, _start
from tests.pg_locks import until_waiting
from unionhub.activities.models import QuizAttempt
from unionhub.activities.quizzes import GRACE
from unionhub.clock import utcnow

pytestmark = pytest.mark.skipif(not os.environ["DATABASE_URL"].startswith("postgres"),
                                reason="an uncommitted write held from a second connection")


async def test_a_best_flagged_outside_the_lock_refuses_the_submission_cleanly(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    quiz = await create(gql, cadre, tree.counties["A"], "QUIZ", questions=QUESTIONS,
                        attemptsPerDay=2, timeLimitSeconds=30)
    member = await factory.account(tree.grassroots["A"][0])
    assert (await enroll(gql, member, quiz["id"]))["errors"] == []
    await _start(gql, member, quiz["id"])
    first = await QuizAttempt.get(member_id=member.member.id)
    await QuizAttempt.filter(id=first.id).update(  # its time is up: a second may start
        started_at=utcnow() - timedelta(seconds=30) - GRACE - timedelta(seconds=1))
    second = await _start(gql, member, quiz["id"])
    assert second["errors"] == []

    holder = await asyncpg.connect(os.environ["DATABASE_URL"])
    watcher = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        held = holder.transaction()
        await held.start()
        # Attempt 1 scored and flagged by a writer that does not take the enrolment lock.
        await holder.execute("UPDATE activity_quiz_attempts SET submitted_at = now(), "
                             "score = 100, correct_count = 3, time_used_ms = 1000, best = TRUE "
                             "WHERE id = $1", first.id)
        submitting = asyncio.create_task(gql(
            SUBMIT, {"id": quiz["id"], "answers": _answers(second["attempt"], SEVENTY)},
            token=member.token))
        await until_waiting(watcher, unless=submitting)  # on the index, behind attempt 1
        await held.commit()
        refused = await asyncio.wait_for(submitting, 30)
    finally:
        await holder.close()
        await watcher.close()
    assert refused.errors == [], refused.body  # (with the index alone: INTERNAL)
    assert refused.data["submitQuizAnswers"] == {  # (before the index: accepted, 2 bests)
        "result": None, "errors": [{"code": "QUIZ_SUBMIT_CONTENDED", "field": "answers"}]}
    unsaved = await QuizAttempt.exclude(id=first.id).get(member_id=member.member.id)
    assert (unsaved.submitted_at, unsaved.score, unsaved.best) == (None, None, False)

    # The attempt is still open: submitting again scores it, and attempt 1 stays the best.
    again = await gql(SUBMIT, {"id": quiz["id"], "answers": _answers(second["attempt"],
                                                                     SEVENTY)},
                      token=member.token)
    assert again.data["submitQuizAnswers"]["errors"] == [], again.body
    assert again.data["submitQuizAnswers"]["result"]["score"] == 70
    bests = await QuizAttempt.filter(member_id=member.member.id, best=True).values_list(
        "id", flat=True)
    assert bests == [first.id]
    board = await gql(BOARD, {"id": quiz["id"], "by": "MEMBER"}, token=member.token)
    assert [(e["member"]["id"], e["score"]) for e in board.data["leaderboard"]] == \
        [(member.id, 100.0)]
