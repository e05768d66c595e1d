"""A quiz through GraphQL, for the quiz, quiz-rule, draw and paging tests: its questions, the
start and submit documents, answer picks that score 100, 70 and 0."""

from __future__ import annotations

from tests.activities.helpers import create

QUESTIONS = [
    {"text": "《工会法》规定工会的基本职责是?", "options": ["维护职工合法权益", "组织生产", "发放工资"],
     "answer": [0], "points": 40},
    {"text": "基层工会委员会每届任期几年?", "options": ["一年", "三年至五年", "十年"], "answer": [1],
     "points": 30},
    {"text": "下列哪些属于工会经费来源? (多选)", "options": ["会员会费", "单位拨缴经费", "罚款"],
     "answer": [0, 1], "points": 30},
]
START = """mutation Start($id: ID!) {
  startQuiz(input: {activityId: $id}) {
    attempt { id startedAt deadline submitted questions { id position text options points } }
    errors { code }
  }
}"""
SUBMIT = """mutation Submit($id: ID!, $answers: [QuizAnswerInput!]!) {
  submitQuizAnswers(input: {activityId: $id, answers: $answers}) {
    result { score maxScore correctCount timeUsedMs rank } errors { code field }
  }
}"""


async def _quiz(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    quiz = await create(gql, cadre, tree.counties["A"], "QUIZ", questions=QUESTIONS,
                        timeLimitSeconds=600)
    return tree, quiz


async def _start(gql, account, quiz_id):
    result = await gql(START, {"id": quiz_id}, token=account.token)
    assert result.errors == [], result.errors
    return result.data["startQuiz"]


def _answers(attempt, picks):
    return [{"questionId": q["id"], "choices": c} for q, c in zip(attempt["questions"], picks,
                                                                 strict=True)]


RIGHT, SEVENTY, WRONG = [[0], [1], [0, 1]], [[0], [2], [0, 1]], [[1], [0], [2]]
