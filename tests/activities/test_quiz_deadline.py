"""A quiz attempt's deadline is the time the member really has: the time limit, cut short by
the quiz's own end (answers after `endsAt` are refused, so a countdown past it misleads)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.activities.helpers import enroll
from tests.activities.quiz_flows import SUBMIT, _answers, _quiz, _start
from unionhub.activities.models import Activity
from unionhub.clock import utcnow


async def test_an_attempt_started_near_the_end_shows_the_end_as_its_deadline(gql, factory):
    tree, quiz = await _quiz(gql, factory)  # a 600 s time limit
    member = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, member, quiz["id"])
    ends = utcnow() + timedelta(seconds=120)
    await Activity.filter(id=int(quiz["id"])).update(ends_at=ends)
    attempt = (await _start(gql, member, quiz["id"]))["attempt"]
    deadline = datetime.fromisoformat(attempt["deadline"])
    assert abs((deadline - ends).total_seconds()) < 0.01  # not start + 600 s
    # An attempt with time to spare keeps start + limit (the common case).
    await Activity.filter(id=int(quiz["id"])).update(ends_at=utcnow() + timedelta(days=1))
    other = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, other, quiz["id"])
    attempt = (await _start(gql, other, quiz["id"]))["attempt"]
    started = datetime.fromisoformat(attempt["startedAt"])
    assert datetime.fromisoformat(attempt["deadline"]) - started == timedelta(seconds=600)


async def test_an_attempt_cut_short_by_the_end_is_no_longer_open_after_it(gql, factory):
    tree, quiz = await _quiz(gql, factory)
    member = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, member, quiz["id"])
    attempt = (await _start(gql, member, quiz["id"]))["attempt"]
    # The quiz ended a minute ago, well inside the attempt's 600 s: answers are refused, as
    # the deadline said.
    await Activity.filter(id=int(quiz["id"])).update(ends_at=utcnow() - timedelta(seconds=60))
    late = await gql(SUBMIT, {"id": quiz["id"], "answers": _answers(attempt, [[0], [1], [0]])},
                     token=member.token)
    assert late.data["submitQuizAnswers"]["errors"][0]["code"] == "QUIZ_TIME_UP"
    again = await gql("""mutation S($id: ID!) { startQuiz(input: {activityId: $id}) {
        attempt { deadline } errors { code } } }""", {"id": quiz["id"]}, token=member.token)
    # Not handed back as a running attempt whose deadline has passed: the quiz is closed.
    assert again.data["startQuiz"]["errors"] == [{"code": "ACTIVITY_NOT_OPEN"}]
