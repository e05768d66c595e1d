"""Quizzes (网上练兵, 知识竞赛): timed and scored on the server, a number of attempts a day, the
best score counting, and a benefit draw entered by a high score.

`start_quiz` shows the questions and starts the clock: while an attempt is open (not submitted,
time not up) asking again returns it; otherwise a new attempt is numbered within the member's
Shanghai day, up to the quiz's `quiz_attempts_per_day` (QUIZ_DAILY_LIMIT beyond). A member's
starts take turns on their enrolment row, so concurrent starts make one attempt; the unique
(quiz, member, day, number) key backs that.
`submit_answers` scores against the answer key, which never leaves this module, with the time
used from the server's clock; a conditional UPDATE (submitted_at IS NULL) accepts exactly one
submission. In the same transaction, serialized with the member's other submissions on their
enrolment row, the member's best attempt (higher score, then less time) is flagged (a partial
unique index backs it: QUIZ_SUBMIT_CONTENDED when a writer outside the lock beat it), and a
score at or above the quiz's threshold enters its draw (once per member, on the terms
`enroll` applies: the draw's scope, tier and window admit the member): the draw's
commit-reveal then covers those entrants like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.functions import Count, Sum
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from unionhub.activities.activities import get_visible
from unionhub.activities.enrolment import (
    admits,
    check_admitted,
    enrolment_open,
    open_seat,
    require_enrollment,
)
from unionhub.activities.models import (
    Activity,
    ActivityKind,
    Enrollment,
    QuizAttempt,
    QuizQuestion,
)
from unionhub.clock import today_shanghai, utcnow
from unionhub.db_replicas import replica_read
from unionhub.errors import Conflict, InvalidTransition, ValidationFailed
from unionhub.identity.access import Principal
from unionhub.identity.lookup import MemberRecord

GRACE = timedelta(seconds=5)  # network latency between the last tap and our clock


@dataclass(frozen=True)
class Answer:
    question_id: int
    choices: list[int]


def deadline(activity: Activity, attempt: QuizAttempt) -> datetime:
    """When the attempt's answers are due: its time limit, cut short by the quiz's end (the
    deadline shown is the time the member really has; answers after `ends_at` are refused)."""
    return min(attempt.started_at + timedelta(seconds=activity.quiz_time_limit_seconds),
               activity.ends_at)


async def _quiz(activity_id: int, principal: Principal, record: MemberRecord) -> Activity:
    activity = await get_visible(activity_id, principal, record)
    if activity.kind != ActivityKind.QUIZ:
        raise ValidationFailed("this activity is not a quiz", field="activityId",
                               code="NOT_A_QUIZ")
    check_admitted(activity, record)  # at each start and submission, not only at enrolment
    return activity


async def questions_of(activity_id: int) -> list[QuizQuestion]:
    return await QuizQuestion.filter(activity_id=activity_id).order_by("position")


async def _open_attempt(activity: Activity, member_id: int) -> QuizAttempt | None:
    """The member's attempt still running (not submitted, time not up), if any."""
    latest = await QuizAttempt.filter(activity_id=activity.id, member_id=member_id) \
        .order_by("-id").first()
    if latest is None or latest.submitted_at is not None:
        return None
    return latest if utcnow() <= deadline(activity, latest) + GRACE else None


async def start_quiz(activity_id: int, principal: Principal,
                     record: MemberRecord) -> tuple[Activity, QuizAttempt]:
    activity = await _quiz(activity_id, principal, record)
    enrollment = await require_enrollment(activity, record.id)
    running = await _open_attempt(activity, record.id)
    if running is not None:
        return activity, running
    now = utcnow()
    if not activity.starts_at <= now < activity.ends_at:
        raise InvalidTransition("the quiz is not open now", field="activityId",
                                code="ACTIVITY_NOT_OPEN")
    day = today_shanghai(now)
    async with in_transaction():
        # A member's starts take turns on their enrolment row, as their submissions do: a
        # start that found no open attempt before another start committed one would count
        # that attempt as used and number a second, spending two of the day's attempts on a
        # double tap and leaving the first open and unanswered.
        await Enrollment.filter(id=enrollment.id).select_for_update().first()
        running = await _open_attempt(activity, record.id)  # a concurrent start's attempt
        if running is not None:
            return activity, running
        used = await QuizAttempt.filter(activity_id=activity.id, member_id=record.id,
                                        day=day).count()
        if used >= activity.quiz_attempts_per_day:
            raise InvalidTransition(f"{activity.quiz_attempts_per_day} attempt(s) a day: try "
                                    "again tomorrow", field="activityId",
                                    code="QUIZ_DAILY_LIMIT")
        questions = await questions_of(activity.id)
        try:
            async with in_transaction():  # a savepoint: the backstop below reads on after it
                attempt = await QuizAttempt.create(
                    activity_id=activity.id, member_id=record.id, union_id=record.union_id,
                    started_at=now, day=day, attempt_no=used + 1,
                    max_score=sum(q.points for q in questions))
        except IntegrityError:  # the unique key, should a start miss the lock: the same attempt
            attempt = await QuizAttempt.get(activity_id=activity.id, member_id=record.id,
                                            day=day, attempt_no=used + 1)
    return activity, attempt


def score(questions: list[QuizQuestion], answers: list[Answer]) -> tuple[int, int]:
    """(points, correct answers): a question counts when the chosen options equal the key."""
    given = {a.question_id: sorted(set(a.choices)) for a in answers}
    correct = [q for q in questions if given.get(q.id) == sorted(q.answer_key)]
    return sum(q.points for q in correct), len(correct)


def _same_answers(stored: list[dict[str, Any]] | None, answers: list[Answer]) -> bool:
    """Whether `answers` are the ones stored, as stored: per question, its set of choices."""
    given = sorted((a.question_id, sorted(set(a.choices))) for a in answers)
    return given == sorted((d["q"], d["c"]) for d in stored or [])


async def _answered(activity: Activity, member_id: int, attempt_id: int | None) -> QuizAttempt:
    """The attempt a submission answers: the member's latest, or the one named, which must be
    the latest unless it was submitted already (a retry asking for its result)."""
    latest = await QuizAttempt.filter(activity_id=activity.id, member_id=member_id) \
        .order_by("-id").first()
    if attempt_id is None or (latest is not None and latest.id == attempt_id):
        if latest is None:
            raise InvalidTransition("start the quiz first", field="activityId",
                                    code="QUIZ_NOT_STARTED")
        return latest
    named = await QuizAttempt.get_or_none(id=attempt_id, activity_id=activity.id,
                                          member_id=member_id)
    if named is None or named.submitted_at is None:
        # Not the member's (or no such id: the same answer), or an attempt since replaced.
        raise InvalidTransition("that attempt is not open: start the quiz again",
                                field="attemptId", code="QUIZ_ATTEMPT_NOT_OPEN")
    return named


async def submit_answers(activity_id: int, principal: Principal, record: MemberRecord,
                         answers: list[Answer], attempt_id: int | None = None) -> QuizAttempt:
    """Scores the member's open attempt. Named (`attempt_id`), only that attempt: a retry of
    an earlier one never answers a later one, and a retry of a submitted attempt with its
    same answers gets its result back, changing nothing."""
    activity = await _quiz(activity_id, principal, record)
    attempt = await _answered(activity, record.id, attempt_id)
    if attempt.submitted_at is not None:
        if attempt_id is not None and _same_answers(attempt.answers, answers):
            return attempt
        raise Conflict("answers were already submitted: start another attempt",
                       field="activityId", code="ALREADY_SUBMITTED")
    now = utcnow()
    if now > deadline(activity, attempt) + GRACE:
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
    async with in_transaction():
        # One member's submissions to one quiz serialize on their enrolment row, so the best
        # attempt is chosen against the other's committed score: an attempt answered at the
        # edge of its time can still be scoring when the next one (started once its time was
        # up) is answered, and each would otherwise flag itself best.
        await Enrollment.filter(activity_id=activity.id, member_id=record.id) \
            .select_for_update().first()
        done = await QuizAttempt.filter(id=attempt.id, submitted_at__isnull=True).update(
            submitted_at=now, score=points, correct_count=correct, time_used_ms=used_ms,
            answers=[{"q": a.question_id, "c": sorted(set(a.choices))} for a in answers],
        )
        if done == 0:
            submitted = await QuizAttempt.get(id=attempt.id)  # the other's, committed
            if attempt_id is not None and _same_answers(submitted.answers, answers):
                return submitted  # its own retry, racing it: the same result
            raise Conflict("answers were already submitted", field="activityId",
                           code="ALREADY_SUBMITTED")
        await _keep_best(activity, record.id, attempt.id, points, used_ms)
        if activity.quiz_draw_id is not None and points >= activity.quiz_draw_threshold:
            await _enter_draw(activity.quiz_draw_id, record, now)
    return await QuizAttempt.get(id=attempt.id)


async def _keep_best(activity: Activity, member_id: int, attempt_id: int, points: int,
                     used_ms: int) -> None:
    """Flag the member's best submitted attempt: higher score, then less time; a tie keeps
    the earlier one."""
    best = await QuizAttempt.get_or_none(activity_id=activity.id, member_id=member_id, best=True)
    if best is not None and (best.score or 0, -(best.time_used_ms or 0)) >= (points, -used_ms):
        return
    if best is not None:
        await QuizAttempt.filter(id=best.id).update(best=False)
    try:
        await QuizAttempt.filter(id=attempt_id).update(best=True)
    except IntegrityError:
        # The one-best index (migration 0004) refused it: a writer outside the enrolment lock
        # flagged another of the member's attempts meanwhile. The whole submission rolls back
        # and the attempt stays open for the member to submit again.
        raise Conflict("another submission of yours was being scored: submit again",
                       field="answers", code="QUIZ_SUBMIT_CONTENDED") from None


async def _enter_draw(draw_id: int, record: MemberRecord, now: datetime) -> None:
    """Once per member, on the terms `enroll` applies to the draw: its scope and tier (the
    quiz may reach further than the draw: a county's quiz, one grassroots union's draw; a
    MEMBER-tier quiz, a VERIFIED draw), its window (not ended, not drawn, at the submission's
    time) and its capacity. A member the draw itself would refuse keeps the score without an
    entry."""
    draw = await Activity.get_or_none(id=draw_id, kind=ActivityKind.BENEFIT_DRAW)
    if draw is None or not admits(draw, record) or not enrolment_open(draw, now):
        return
    if await Enrollment.exists(activity_id=draw_id, member_id=record.id):
        return
    try:
        # A savepoint: the member's own enrolment in the draw may commit between the check
        # above and the insert (the seat's row lock orders them); its unique key then refuses
        # this entry, and the seat is given back without failing the submission.
        async with in_transaction():
            if await open_seat(draw_id, now).update(enrolled_count=F("enrolled_count") + 1) == 0:
                return  # drawn or ended meanwhile, or full: the score stands, the entry does not
            await Enrollment.create(activity_id=draw_id, member_id=record.id,
                                    union_id=record.union_id)
    except IntegrityError:
        return  # entered already, by their own hand: one entry, and the score stands


@replica_read
async def ranking(activity: Activity, first: int) -> list[QuizAttempt]:
    """Members by their best attempt: best score first, then the least time used, then the
    earliest submission."""
    return await QuizAttempt.filter(activity_id=activity.id, best=True) \
        .order_by("-score", "time_used_ms", "submitted_at", "id").limit(first)


def ranked(attempts: list[QuizAttempt]) -> list[tuple[int, float, int]]:
    """(rank, score, member id) of a ranking: equal score and time share a rank."""
    out: list[tuple[int, float, int]] = []
    previous: tuple[int | None, int | None] | None = None
    for i, a in enumerate(attempts):
        rank = out[-1][0] if previous == (a.score, a.time_used_ms) else i + 1
        previous = (a.score, a.time_used_ms)
        out.append((rank, float(a.score or 0), a.member_id))
    return out


async def best_attempt(activity_id: int, member_id: int) -> QuizAttempt | None:
    return await QuizAttempt.get_or_none(activity_id=activity_id, member_id=member_id, best=True)


async def rank_of(activity: Activity, attempt: QuizAttempt) -> int:
    """1 + the members strictly ahead (a higher best score, or equal in less time)."""
    ahead = await QuizAttempt.filter(
        Q(score__gt=attempt.score)
        | Q(score=attempt.score, time_used_ms__lt=attempt.time_used_ms),
        activity_id=activity.id, best=True,
    ).count()
    return ahead + 1


@replica_read
async def union_ranking(activity: Activity, first: int | None) -> list[tuple[int, float]]:
    """Unions by their members' mean best score (ties: more participants first)."""
    rows = await (
        QuizAttempt.filter(activity_id=activity.id, best=True)
        .annotate(total=Sum("score"), n=Count("id")).group_by("union_id")
        .values("union_id", "total", "n")
    )
    means = [(r["union_id"], round(int(r["total"]) / r["n"], 6), r["n"]) for r in rows]
    means.sort(key=lambda m: (-m[1], -m[2], m[0]))
    return [(union_id, mean) for union_id, mean, _ in means[:first]]


# The member ranking's order, ending with the id so that a keyset page is stable.
RANKING_ORDER = ("-score", "time_used_ms", "submitted_at", "id")


def ranking_rows(activity: Activity) -> QuerySet[QuizAttempt]:
    """Every member's best attempt, to page in RANKING_ORDER."""
    return QuizAttempt.filter(activity_id=activity.id, best=True)


def page_ranks(first_rank: int, attempts: list[QuizAttempt],
               position: int) -> list[tuple[int, float, int]]:
    """(rank, score, member id) of a page whose first attempt has rank `first_rank` and
    stands at `position` (0-based) in the whole ranking: equal score and time share a rank."""
    out: list[tuple[int, float, int]] = []
    for i, a in enumerate(attempts):
        tied = out and (attempts[i - 1].score, attempts[i - 1].time_used_ms) == (
            a.score, a.time_used_ms)
        rank = first_rank if i == 0 else out[-1][0] if tied else position + i + 1
        out.append((rank, float(a.score or 0), a.member_id))
    return out
async def rank_in(activity_id: int, attempt: QuizAttempt) -> int:
    return await rank_of(await Activity.get(id=activity_id), attempt)
