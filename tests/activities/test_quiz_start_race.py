"""Concurrent starts make one attempt also when a quiz allows several a day: a double tap
must not spend two of the member's daily attempts and leave the first one open, unanswered."""

from __future__ import annotations

import asyncio

from tests.activities.helpers import create, enroll
from tests.activities.quiz_flows import QUESTIONS, RIGHT, SUBMIT, _answers, _start
from unionhub.activities.models import QuizAttempt


async def test_concurrent_starts_make_one_attempt_with_several_a_day(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    quiz = await create(gql, cadre, tree.counties["A"], "QUIZ", questions=QUESTIONS,
                        attemptsPerDay=3)
    member = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, member, quiz["id"])
    for round_ in range(2):  # a first attempt of the day, then one after a submitted attempt
        results = await asyncio.gather(*(_start(gql, member, quiz["id"]) for _ in range(8)))
        assert all(r["errors"] == [] for r in results), results
        assert len({r["attempt"]["id"] for r in results}) == 1, round_
        assert await QuizAttempt.filter(member_id=member.member.id).count() == round_ + 1
        done = await gql(SUBMIT, {"id": quiz["id"],
                                  "answers": _answers(results[0]["attempt"], RIGHT)},
                         token=member.token)
        assert done.data["submitQuizAnswers"]["errors"] == []
