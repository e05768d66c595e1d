"""Quizzes (知识竞赛): one attempt per member, timed and scored on the server.

`start_quiz` shows the questions and starts the clock (once: asking again returns the same
attempt); `submit_answers` scores against the answer key, which never leaves this module,
and records the time used from the server's clock. A conditional UPDATE (submitted_at IS NULL)
accepts exactly one submission even when several arrive at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count, Sum

from unionhub.activities.activities import get_visible
from unionhub.activities.enrolment import require_enrollment
from unionhub.activities.models import Activity, ActivityKind, QuizAttempt, QuizQuestion
from unionhub.clock import utcnow
from unionhub.errors import Conflict, InvalidTransition, ValidationFailed
from unionhub.identity.access import Principal
from unionhub.identity.lookup import MemberRecord

GRACE = timedelta(seconds=5)  # network latency between the last tap and our clock


@dataclass(frozen=True)
class Answer:
    question_id: int
    choices: list[int]


def deadline(activity: Activity, attempt: QuizAttempt):
    return attempt.started_at + timedelta(seconds=activity.quiz_time_limit_seconds)


async def _quiz(activity_id: int, principal: Principal, record: MemberRecord) -> Activity:
    activity = await get_visible(activity_id, principal, record)
    if activity.kind != ActivityKind.QUIZ:
        raise ValidationFailed("this activity is not a quiz", field="activityId",
                               code="NOT_A_QUIZ")
    return activity


async def questions_of(activity_id: int) -> list[QuizQuestion]:
    return await QuizQuestion.filter(activity_id=activity_id).order_by("position")


async def start_quiz(activity_id: int, principal: Principal,
                     record: MemberRecord) -> tuple[Activity, QuizAttempt]:
    activity = await _quiz(activity_id, principal, record)
    await require_enrollment(activity, record.id)
    existing = await QuizAttempt.get_or_none(activity_id=activity.id, member_id=record.id)
    if existing is not None:
        return activity, existing
    now = utcnow()
    if not activity.starts_at <= now < activity.ends_at:
        raise InvalidTransition("the quiz is not open now", field="activityId",
                                code="ACTIVITY_NOT_OPEN")
    questions = await questions_of(activity.id)
    try:
        attempt = await QuizAttempt.create(activity_id=activity.id, member_id=record.id,
                                           union_id=record.union_id, started_at=now,
                                           max_score=sum(q.points for q in questions))
    except IntegrityError:  # a concurrent start won: the same attempt for both
        attempt = await QuizAttempt.get(activity_id=activity.id, member_id=record.id)
    return activity, attempt


def score(questions: list[QuizQuestion], answers: list[Answer]) -> tuple[int, int]:
    """(points, correct answers): a question counts when the chosen options equal the key."""
    given = {a.question_id: sorted(set(a.choices)) for a in answers}
    correct = [q for q in questions if given.get(q.id) == sorted(q.answer_key)]
    return sum(q.points for q in correct), len(correct)


async def submit_answers(activity_id: int, principal: Principal, record: MemberRecord,
                         answers: list[Answer]) -> QuizAttempt:
    activity = await _quiz(activity_id, principal, record)
    attempt = await QuizAttempt.get_or_none(activity_id=activity.id, member_id=record.id)
    if attempt is None:
        raise InvalidTransition("start the quiz first", field="activityId",
                                code="QUIZ_NOT_STARTED")
    if attempt.submitted_at is not None:
        raise Conflict("answers were already submitted", field="activityId",
                       code="ALREADY_SUBMITTED")
    now = utcnow()
    if now > deadline(activity, attempt) + GRACE or now > activity.ends_at + GRACE:
        raise InvalidTransition("time is up", field="answers", code="QUIZ_TIME_UP")
    questions = await questions_of(activity.id)
    by_id = {q.id: q for q in questions}
    seen: set[int] = set()
    for i, a in enumerate(answers):
        q = by_id.get(a.question_id)
        if q is None or a.question_id in seen:
            raise ValidationFailed("each answer names a distinct question of this quiz",
                                   field=f"answers[{i}].questionId", code="UNKNOWN_QUESTION")
        if any(not 0 <= c < len(q.options) for c in a.choices):
            raise ValidationFailed("no such option", field=f"answers[{i}].choices",
                                   code="UNKNOWN_OPTION")
        seen.add(a.question_id)
    points, correct = score(questions, answers)
    used_ms = min(int((now - attempt.started_at).total_seconds() * 1000),
                  activity.quiz_time_limit_seconds * 1000)
    done = await QuizAttempt.filter(id=attempt.id, submitted_at__isnull=True).update(
        submitted_at=now, score=points, correct_count=correct, time_used_ms=used_ms,
        answers=[{"q": a.question_id, "c": sorted(set(a.choices))} for a in answers],
    )
    if done == 0:
        raise Conflict("answers were already submitted", field="activityId",
                       code="ALREADY_SUBMITTED")
    return await QuizAttempt.get(id=attempt.id)


async def ranking(activity: Activity, first: int) -> list[QuizAttempt]:
    """Best score first, then the least time used, then the earliest submission."""
    return await QuizAttempt.filter(activity_id=activity.id, submitted_at__isnull=False) \
        .order_by("-score", "time_used_ms", "submitted_at", "id").limit(first)


async def rank_of(activity: Activity, attempt: QuizAttempt) -> int:
    """1 + the submissions strictly ahead (higher score, or equal score in less time)."""
    from tortoise.expressions import Q

    ahead = await QuizAttempt.filter(
        Q(score__gt=attempt.score)
        | Q(score=attempt.score, time_used_ms__lt=attempt.time_used_ms),
        activity_id=activity.id, submitted_at__isnull=False,
    ).count()
    return ahead + 1


async def union_ranking(activity: Activity, first: int) -> list[tuple[int, float]]:
    """Unions by their members' mean score (ties: more participants first)."""
    rows = await (
        QuizAttempt.filter(activity_id=activity.id, submitted_at__isnull=False)
        .annotate(total=Sum("score"), n=Count("id")).group_by("union_id")
        .values("union_id", "total", "n")
    )
    means = [(r["union_id"], round(int(r["total"]) / r["n"], 6), r["n"]) for r in rows]
    means.sort(key=lambda m: (-m[1], -m[2], m[0]))
    return [(union_id, mean) for union_id, mean, _ in means[:first]]
