"""Quizzes: the answer key stays on the server, one scored submission, ranked by score then time."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.activities.helpers import BOARD, enroll
from tests.activities.quiz_flows import SUBMIT, _answers, _quiz, _start
from unionhub.activities.models import QuizAttempt
from unionhub.clock import utcnow


async def test_scored_on_the_server_once(gql, factory):
    tree, quiz = await _quiz(gql, factory)
    member = await factory.account(tree.grassroots["A"][0])
    assert (await _start(gql, member, quiz["id"]))["errors"][0]["code"] == "NOT_ENROLLED"
    await enroll(gql, member, quiz["id"])
    attempt = (await _start(gql, member, quiz["id"]))["attempt"]
    assert [q["points"] for q in attempt["questions"]] == [40, 30, 30]
    assert set(attempt["questions"][0]) == {"id", "position", "text", "options", "points"}
    restarted = (await _start(gql, member, quiz["id"]))["attempt"]
    assert restarted["startedAt"] == attempt["startedAt"]  # the clock is not reset

    wrong_option = await gql(SUBMIT, {"id": quiz["id"], "answers": [
        {"questionId": attempt["questions"][0]["id"], "choices": [7]}]}, token=member.token)
    assert wrong_option.data["submitQuizAnswers"]["errors"] == [
        {"code": "UNKNOWN_OPTION", "field": "answers[0].choices"}]  # the input path

    picks = [[0], [2], [1, 0]]  # right, wrong, right (order of choices does not matter)
    results = await asyncio.gather(*(gql(SUBMIT, {"id": quiz["id"],
                                                  "answers": _answers(attempt, picks)},
                                         token=member.token) for _ in range(5)))
    accepted = [r.data["submitQuizAnswers"] for r in results
                if not r.data["submitQuizAnswers"]["errors"]]
    assert len(accepted) == 1
    result = accepted[0]["result"]
    assert (result["score"], result["maxScore"], result["correctCount"]) == (70, 100, 2)
    assert result["rank"] == 1 and 0 <= result["timeUsedMs"] < 60_000
    refused = [r.data["submitQuizAnswers"]["errors"][0]["code"] for r in results
               if r.data["submitQuizAnswers"]["errors"]]
    assert set(refused) == {"ALREADY_SUBMITTED"}
    stored = await QuizAttempt.get(member_id=member.member.id)
    assert stored.score == 70


async def test_ranked_by_score_then_time_used(gql, factory):
    tree, quiz = await _quiz(gql, factory)
    slow, fast, weak = [await factory.account(tree.grassroots["A"][0]) for _ in range(3)]
    accounts = [slow, fast, weak]
    attempts = {}
    for account in accounts:
        await enroll(gql, account, quiz["id"])
        attempts[account.id] = (await _start(gql, account, quiz["id"]))["attempt"]
    # The slow member started a minute earlier (the attempt row is the server's clock).
    await QuizAttempt.filter(member_id=slow.member.id).update(
        started_at=utcnow() - timedelta(seconds=60))
    perfect = [[0], [1], [0, 1]]
    for account, picks in ((fast, perfect), (slow, perfect), (weak, [[1], [1], [0]])):
        result = await gql(SUBMIT, {"id": quiz["id"],
                                    "answers": _answers(attempts[account.id], picks)},
                           token=account.token)
        assert result.data["submitQuizAnswers"]["errors"] == []
    board = await gql(BOARD, {"id": quiz["id"], "by": "MEMBER"}, token=weak.token)
    assert [(e["member"]["id"], e["score"], e["rank"]) for e in board.data["leaderboard"]] == [
        (fast.id, 100, 1), (slow.id, 100, 2), (weak.id, 30, 3)]
    mine = await gql("query R($id: ID!) { activity(id: $id) { myRank { rank } myQuizResult { score rank } } }",
                     {"id": quiz["id"]}, token=slow.token)
    assert mine.data["activity"] == {"myRank": {"rank": 2}, "myQuizResult": {"score": 100, "rank": 2}}
    unions = await gql(BOARD, {"id": quiz["id"], "by": "UNION"}, token=weak.token)
    assert unions.data["leaderboard"] == [
        {"rank": 1, "score": round(230 / 3, 6), "member": None,
         "union": {"id": str(tree.grassroots["A"][0].id)}}]


async def test_late_answers_are_refused(gql, factory):
    tree, quiz = await _quiz(gql, factory)
    member = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, member, quiz["id"])
    attempt = (await _start(gql, member, quiz["id"]))["attempt"]
    await QuizAttempt.filter(member_id=member.member.id).update(
        started_at=utcnow() - timedelta(seconds=700))
    late = await gql(SUBMIT, {"id": quiz["id"], "answers": _answers(attempt, [[0], [1], [0]])},
                     token=member.token)
    assert late.data["submitQuizAnswers"]["errors"][0]["code"] == "QUIZ_TIME_UP"


INTROSPECT = """{ __schema { types { name kind fields { name type { name kind ofType { name kind
  ofType { name kind ofType { name } } } } } } } }"""


async def test_no_member_facing_field_reveals_the_answer_key(gql, factory):
    tree, quiz = await _quiz(gql, factory)
    types = (await gql(INTROSPECT)).data["__schema"]["types"]
    objects = {t["name"]: t for t in types if t["kind"] in ("OBJECT", "INTERFACE")}
    # The question type shows text and options only.
    assert {f["name"] for f in objects["QuizQuestion"]["fields"]} == {
        "id", "position", "text", "options", "points"}
    # Nothing anywhere in the output schema is named after answers or the key.
    suspicious = {f"{name}.{f['name']}" for name, t in objects.items() if not name.startswith("__")
                  for f in t["fields"] or []
                  if any(w in f["name"].lower() for w in ("answer", "correct", "solution"))
                  and f["name"] != "resolution"}  # a service request's outcome, not a key
    assert suspicious == {"QuizResult.correctCount", "Mutation.submitQuizAnswers"}
    # And every member-facing read of a submitted quiz carries no per-question verdicts.
    member = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, member, quiz["id"])
    attempt = (await _start(gql, member, quiz["id"]))["attempt"]
    await gql(SUBMIT, {"id": quiz["id"], "answers": _answers(attempt, [[0], [2], [0]])},
              token=member.token)
    # The day's one attempt is used: starting again is refused, and shows nothing.
    again = await _start(gql, member, quiz["id"])
    assert again["attempt"] is None and again["errors"] == [{"code": "QUIZ_DAILY_LIMIT"}]
