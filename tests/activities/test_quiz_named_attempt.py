"""submitQuizAnswers naming its attempt (`attemptId`): a delayed retry of attempt 1 never
answers attempt 2; a retry of a submitted attempt with the same answers gets its result back;
anything else named that is not the open attempt is refused with nothing changed, alike
whether the id is someone else's or no attempt at all."""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta

import asyncpg
import pytest

from tests.activities.helpers import create, enroll
from tests.activities.quiz_flows import QUESTIONS, RIGHT, SEVENTY, _answers
from tests.pg_locks import until_waiting
from unionhub.activities.models import QuizAttempt
from unionhub.activities.quizzes import GRACE
from unionhub.clock import utcnow

START = """mutation Start($id: ID!) { startQuiz(input: {activityId: $id}) {
  attempt { id startedAt questions { id } } errors { code } } }"""
SUBMIT = """mutation Submit($id: ID!, $attempt: ID, $answers: [QuizAnswerInput!]!) {
  submitQuizAnswers(input: {activityId: $id, attemptId: $attempt, answers: $answers}) {
    result { score submittedAt } errors { code field } } }"""


async def _setup(gql, factory, members=1):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    quiz = await create(gql, cadre, tree.counties["A"], "QUIZ", questions=QUESTIONS,
                        attemptsPerDay=2, timeLimitSeconds=60)
    accounts = [await factory.account(tree.grassroots["A"][0]) for _ in range(members)]
    for account in accounts:
        assert (await enroll(gql, account, quiz["id"]))["errors"] == []
    return quiz["id"], accounts


async def _start(gql, account, quiz_id):
    result = await gql(START, {"id": quiz_id}, token=account.token)
    assert result.data["startQuiz"]["errors"] == [], result.body
    return result.data["startQuiz"]["attempt"]


async def _submit(gql, account, quiz_id, attempt, picks, attempt_id=...):
    named = attempt["id"] if attempt_id is ... else attempt_id
    result = await gql(SUBMIT, {"id": quiz_id, "attempt": named,
                                "answers": _answers(attempt, picks)}, token=account.token)
    assert result.errors == [], result.body
    return result.data["submitQuizAnswers"]


async def _rows(member):
    return await QuizAttempt.filter(member_id=member.member.id).order_by("id").values_list(
        "submitted_at", "score", "best")


async def test_a_delayed_retry_of_attempt_1_gets_its_result_and_leaves_attempt_2_open(
        gql, factory):
    quiz_id, (member,) = await _setup(gql, factory)
    first = await _start(gql, member, quiz_id)
    scored = await _submit(gql, member, quiz_id, first, RIGHT)
    assert scored["errors"] == [] and scored["result"]["score"] == 100
    second = await _start(gql, member, quiz_id)
    assert second["id"] != first["id"]
    before = await _rows(member)
    # The retry of attempt 1 (its answers went through; the reply was lost).
    retried = await _submit(gql, member, quiz_id, first, RIGHT)
    assert retried == scored  # its result once more (unnamed, it scores attempt 2)
    other = await _submit(gql, member, quiz_id, first, SEVENTY)  # not what was submitted
    assert other == {"result": None,
                     "errors": [{"code": "ALREADY_SUBMITTED", "field": "activityId"}]}
    assert await _rows(member) == before  # attempt 2 still open, nothing rescored
    assert before[1] == (None, None, False)
    # Attempt 2, named, is answered as usual.
    assert (await _submit(gql, member, quiz_id, second, SEVENTY))["result"]["score"] == 70


async def test_a_named_attempt_that_is_not_open_is_refused_alike_for_anyone(gql, factory):
    quiz_id, (member, stranger) = await _setup(gql, factory, members=2)
    lapsed = await _start(gql, member, quiz_id)
    await QuizAttempt.filter(id=int(lapsed["id"])).update(  # its time ran out unanswered
        started_at=utcnow() - timedelta(seconds=60) - GRACE - timedelta(seconds=1))
    current = await _start(gql, member, quiz_id)
    theirs = await _start(gql, stranger, quiz_id)
    before = (await _rows(member), await _rows(stranger))
    not_open = {"result": None,
                "errors": [{"code": "QUIZ_ATTEMPT_NOT_OPEN", "field": "attemptId"}]}
    # Attempt 1's late retry, once attempt 2 has started: not scored as attempt 2.
    assert await _submit(gql, member, quiz_id, current, RIGHT, lapsed["id"]) == not_open
    # Someone else's attempt (open), and ids naming nothing: the same answer.
    assert await _submit(gql, member, quiz_id, current, RIGHT, theirs["id"]) == not_open
    missing = str(int(theirs["id"]) + 1000)
    assert await _submit(gql, member, quiz_id, current, RIGHT, missing) == not_open
    assert await _submit(gql, member, quiz_id, current, RIGHT, "x1") == not_open
    assert (await _rows(member), await _rows(stranger)) == before
    # Unnamed, as existing clients send it: the latest attempt, as before.
    assert (await _submit(gql, member, quiz_id, current, RIGHT, None))["errors"] == []


@pytest.mark.skipif(not os.environ["DATABASE_URL"].startswith("postgres"),
                    reason="a row lock held from a second connection")
async def test_a_retry_racing_its_original_gets_the_same_result(gql, factory):
    # Both wait on the member's enrolment row, then go one after the other: the second finds
    # the attempt submitted inside its transaction (its conditional UPDATE changes no row).
    quiz_id, (member,) = await _setup(gql, factory)
    attempt = await _start(gql, member, quiz_id)
    holder = await asyncpg.connect(os.environ["DATABASE_URL"])
    watcher = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        held = holder.transaction()
        await held.start()
        await holder.execute("SELECT 1 FROM activity_enrollments WHERE member_id = $1 "
                             "FOR UPDATE", member.member.id)
        both = [asyncio.create_task(_submit(gql, member, quiz_id, attempt, RIGHT))
                for _ in range(2)]
        await until_waiting(watcher, 2)
        await held.rollback()
        results = await asyncio.wait_for(asyncio.gather(*both), 30)
    finally:
        await holder.close()
        await watcher.close()
    assert results[0] == results[1], results  # (before: one ALREADY_SUBMITTED)
    assert results[0]["errors"] == [] and results[0]["result"]["score"] == 100
    (submitted_at, points, best), = await _rows(member)
    assert submitted_at is not None and (points, best) == (100, True)
