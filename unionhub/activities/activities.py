"""Creating activities and deciding who sees them.

An activity's scope is its organiser's subtree: a member sees it when their union lies in that
subtree (the activity's scope path is one of the member's union's ancestor paths, an indexed
IN), a cadre also sees every activity organised inside their own scope, an admin sees all.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from unionhub.activities import board_rows, leaderboards
from unionhub.activities.models import (
    DAILY_COUNT_KINDS,
    DRAW_THRESHOLD_DEFAULT,
    READING_CAP_MAX,
    STEP_RAW_MAX,
    Activity,
    ActivityKind,
    ActivityStatus,
    MinTier,
    QuizQuestion,
)
from unionhub.clock import SHANGHAI, utcnow
from unionhub.errors import NotFound, ValidationFailed
from unionhub.identity import audit, orgs
from unionhub.identity.access import Principal, path_in_scope, require_scope
from unionhub.identity.lookup import MemberRecord
from unionhub.plaintext import check_plain

MAX_QUESTIONS = 100
MAX_QUESTION_TEXT, MAX_OPTION_TEXT = 500, 200  # the text had no limit at all
MAX_DESCRIPTION = 2000


@dataclass(frozen=True)
class QuestionSpec:
    text: str
    options: list[str]
    answer: list[int]
    points: int = 10


def ancestor_paths(path: str) -> list[str]:
    """'/1/5/23/' -> ['/1/', '/1/5/', '/1/5/23/']: the scopes that hold this union."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def visibility(principal: Principal, record: MemberRecord | None) -> Q | None:
    """The filter of activities the caller may see; None when they may see none (guests)."""
    if principal.is_admin:
        return Q()
    q: Q | None = None
    if record is not None:
        q = Q(scope_path__in=ancestor_paths(record.union_path))
    if principal.is_cadre:
        managed = Q(scope_path__startswith=principal.scope_path)
        q = managed if q is None else (q | managed)
    return q


def is_visible(activity: Activity, principal: Principal, record: MemberRecord | None) -> bool:
    if principal.is_admin:
        return True
    if record is not None and record.union_path.startswith(activity.scope_path):
        return True
    return principal.is_cadre and activity.scope_path.startswith(principal.scope_path or "\0")


def visible_activities(principal: Principal, record: MemberRecord | None) -> QuerySet[Activity] | None:
    q = visibility(principal, record)
    return None if q is None else Activity.filter(q)


def status_of(activity: Activity, now: datetime | None = None) -> ActivityStatus:
    now = now or utcnow()
    if now < activity.starts_at:
        return ActivityStatus.UPCOMING
    return ActivityStatus.OPEN if now < activity.ends_at else ActivityStatus.ENDED


def listing(principal: Principal, record: MemberRecord | None, *, within_path: str | None = None,
            kind: ActivityKind | None = None,
            status: ActivityStatus | None = None) -> QuerySet[Activity] | None:
    """The activities the caller may see, narrowed to those organised at or below
    `within_path`, of a kind, in a status; None when the caller may see none."""
    qs = visible_activities(principal, record)
    if qs is None:
        return None
    if within_path is not None:
        qs = qs.filter(scope_path__startswith=within_path)
    if kind is not None:
        qs = qs.filter(kind=kind)
    now = utcnow()
    if status == ActivityStatus.UPCOMING:
        qs = qs.filter(starts_at__gt=now)
    elif status == ActivityStatus.OPEN:
        qs = qs.filter(starts_at__lte=now, ends_at__gt=now)
    elif status == ActivityStatus.ENDED:
        qs = qs.filter(ends_at__lte=now)
    return qs


def organised_by(principal: Principal, record: MemberRecord | None,
                 union_id: int) -> QuerySet[Activity] | None:
    """The activities a union organises that the caller may see (None: none at all)."""
    qs = visible_activities(principal, record)
    return None if qs is None else qs.filter(organizer_id=union_id)


async def get_visible(activity_id: int, principal: Principal,
                      record: MemberRecord | None) -> Activity:
    """The activity, or NotFound when it does not exist or lies outside the caller's view
    (the two are indistinguishable on purpose)."""
    activity = await Activity.get_or_none(id=activity_id)
    if activity is None or not is_visible(activity, principal, record):
        raise NotFound("activity not found", field="activityId")
    return activity


async def get_visible_board(activity_id: int, principal: Principal,
                            record: MemberRecord | None) -> Activity:
    """`get_visible` for the leaderboards: the row may come from this process's cache (up to
    `board_rows.BOARD_ROW_TTL_SECONDS` old; see there what that can delay), the caller's view
    checked on every call. The row is shared: only `leaderboards.ensure_built` changes it, to
    what the database then holds."""
    activity = await board_rows.get(activity_id)
    if activity is None or not is_visible(activity, principal, record):
        raise NotFound("activity not found", field="activityId")
    return activity


def aware(value: datetime) -> datetime:
    """Times without an offset are read as Asia/Shanghai, the members' clock."""
    return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value


def _check_questions(questions: list[QuestionSpec]) -> None:
    if not 1 <= len(questions) <= MAX_QUESTIONS:
        raise ValidationFailed(f"a quiz has 1–{MAX_QUESTIONS} questions", field="questions",
                               code="QUIZ_QUESTIONS")
    for i, q in enumerate(questions):
        field = f"questions[{i}]"  # the input path: questions[2].options
        if not 1 <= len(q.text.strip()) <= MAX_QUESTION_TEXT:
            raise ValidationFailed(f"a question needs text, at most {MAX_QUESTION_TEXT} "
                                   "characters", field=f"{field}.text", code="QUESTION_TEXT")
        check_plain(q.text.strip(), f"{field}.text", lines=True)
        if not 2 <= len(q.options) <= 10 or any(
                not 1 <= len(o.strip()) <= MAX_OPTION_TEXT for o in q.options):
            raise ValidationFailed(f"a question has 2–10 non-empty options of at most "
                                   f"{MAX_OPTION_TEXT} characters", field=f"{field}.options",
                                   code="QUESTION_OPTIONS")
        for j, option in enumerate(q.options):
            check_plain(option.strip(), f"{field}.options[{j}]")
        if not q.answer or len(set(q.answer)) != len(q.answer) or any(
            not 0 <= a < len(q.options) for a in q.answer
        ):
            raise ValidationFailed("the answer key names distinct existing options",
                                   field=f"{field}.answer", code="QUESTION_ANSWER_KEY")
        if not 1 <= q.points <= 100:
            raise ValidationFailed("points are 1–100", field=f"{field}.points",
                                   code="QUESTION_POINTS")


def new_draw_seed() -> tuple[str, str]:
    """A secret seed and its public commitment sha256(seed), published before anyone enrols."""
    seed = secrets.token_hex(32)
    return seed, hashlib.sha256(seed.encode()).hexdigest()


@dataclass(frozen=True)
class QuizOptions:
    """A quiz's daily attempts (1-10, default 1) and the benefit draw that a score at or above
    `draw_threshold` (default 90 points) enters."""

    attempts_per_day: int | None = None
    draw_activity_id: int | None = None
    draw_threshold: int | None = None


async def _quiz_fields(principal: Principal, options: QuizOptions,
                       questions: list[QuestionSpec]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if options.attempts_per_day is not None:
        if not 1 <= options.attempts_per_day <= 10:
            raise ValidationFailed("a quiz allows 1 to 10 attempts a day",
                                   field="attemptsPerDay", code="QUIZ_ATTEMPTS_INVALID")
        fields["quiz_attempts_per_day"] = options.attempts_per_day
    if options.draw_activity_id is not None:
        draw = await Activity.get_or_none(id=options.draw_activity_id)
        if (draw is None or draw.kind != ActivityKind.BENEFIT_DRAW or draw.drawn_at is not None
                or not path_in_scope(principal, draw.scope_path)):
            raise ValidationFailed("name an open benefit draw in your scope",
                                   field="drawActivityId", code="QUIZ_DRAW_INVALID")
        fields["quiz_draw_id"] = draw.id
    # Without one given, a draw's threshold is the default (90), which a quiz of fewer
    # points could never reach: the draw would take no entry, and nothing would say so.
    threshold = options.draw_threshold
    if threshold is not None or options.draw_activity_id is not None:
        top = sum(q.points for q in questions)
        given = DRAW_THRESHOLD_DEFAULT if threshold is None else threshold
        if options.draw_activity_id is None or not 1 <= given <= top:
            raise ValidationFailed(f"a draw threshold is 1 to the quiz's {top} points, with a draw",
                                   field="drawThreshold", code="DRAW_THRESHOLD_INVALID")
    if threshold is not None:
        fields["quiz_draw_threshold"] = threshold
    return fields


async def create_activity(principal: Principal, *, name: str, kind: ActivityKind,
                          organizer_id: int, starts_at: datetime, ends_at: datetime,
                          capacity: int | None = None, min_tier: MinTier = MinTier.VERIFIED,
                          description: str = "", daily_step_cap: int | None = None,
                          winners_count: int | None = None, time_limit_seconds: int | None = None,
                          questions: list[QuestionSpec] | None = None,
                          quiz: QuizOptions | None = None,
                          daily_minute_cap: int | None = None) -> Activity:
    """A cadre creates an activity for an org in their scope (its subtree is the audience)."""
    organizer = await orgs.get_union(organizer_id)
    require_scope(principal, organizer.path)
    name = name.strip()
    if not 2 <= len(name) <= 100:
        raise ValidationFailed("name must be 2–100 characters", field="name", code="NAME_FORMAT")
    check_plain(name, "name")
    description = description.strip()
    if len(description) > MAX_DESCRIPTION:  # was cut at 2000 without a word
        raise ValidationFailed(f"a description has at most {MAX_DESCRIPTION} characters",
                               field="description", code="DESCRIPTION_TOO_LONG")
    check_plain(description, "description", lines=True)
    starts_at, ends_at = aware(starts_at), aware(ends_at)
    if ends_at <= starts_at:
        raise ValidationFailed("the window must end after it starts", field="endsAt",
                               code="WINDOW_ORDER")
    if ends_at <= utcnow():
        raise ValidationFailed("the window has already ended", field="endsAt", code="WINDOW_PAST")
    if capacity is not None and capacity < 1:
        raise ValidationFailed("capacity must be at least 1", field="capacity",
                               code="CAPACITY_INVALID")
    fields: dict[str, Any] = {}
    if daily_step_cap is not None:
        if kind != ActivityKind.WALKING or not 1 <= daily_step_cap <= STEP_RAW_MAX:
            raise ValidationFailed(f"a walking challenge's daily cap is 1–{STEP_RAW_MAX}",
                                   field="dailyStepCap", code="STEP_CAP_INVALID")
        fields["daily_step_cap"] = daily_step_cap
    if daily_minute_cap is not None:
        if kind != ActivityKind.READING or not 1 <= daily_minute_cap <= READING_CAP_MAX:
            raise ValidationFailed(f"a reading activity's daily cap is 1–{READING_CAP_MAX} minutes",
                                   field="dailyMinuteCap", code="MINUTE_CAP_INVALID")
        fields["daily_minute_cap"] = daily_minute_cap
    if kind == ActivityKind.BENEFIT_DRAW:
        if winners_count is None or winners_count < 1:
            raise ValidationFailed("a benefit draw needs at least one winner", field="winnersCount",
                                   code="WINNERS_COUNT_INVALID")
        seed, commitment = new_draw_seed()
        fields.update(winners_count=winners_count, draw_seed=seed, draw_commitment=commitment)
    elif winners_count is not None:
        raise ValidationFailed("only a benefit draw has winners", field="winnersCount",
                               code="WINNERS_COUNT_INVALID")
    if kind == ActivityKind.QUIZ:
        _check_questions(questions or [])
        if time_limit_seconds is not None:
            if not 30 <= time_limit_seconds <= 7200:
                raise ValidationFailed("a quiz's time limit is 30 s to 2 h",
                                       field="timeLimitSeconds", code="TIME_LIMIT_INVALID")
            fields["quiz_time_limit_seconds"] = time_limit_seconds
        fields.update(await _quiz_fields(principal, quiz or QuizOptions(), questions or []))
    elif quiz is not None and quiz != QuizOptions():
        raise ValidationFailed("only a quiz has attempts and a draw threshold",
                               field="attemptsPerDay", code="QUIZ_OPTIONS")
    elif questions:
        raise ValidationFailed("only a quiz has questions", field="questions",
                               code="QUIZ_QUESTIONS")
    async with in_transaction():
        activity = await Activity.create(
            name=name, kind=kind, organizer_id=organizer.id, scope_path=organizer.path,
            starts_at=starts_at, ends_at=ends_at, capacity=capacity, min_tier=min_tier,
            description=description, created_by_id=principal.member_id, **fields,
        )
        if kind == ActivityKind.QUIZ:
            await QuizQuestion.bulk_create([
                QuizQuestion(activity=activity, position=i + 1, text=q.text.strip(),
                             options=[o.strip() for o in q.options], answer_key=sorted(q.answer),
                             points=q.points)
                for i, q in enumerate(questions or [])
            ])
        await audit.record("activity.create", actor_id=principal.member_id,
                           subject_type="activity", subject_id=activity.id)
    board_rows.forget(activity.id)  # committed: its id may be cached as not found
    if kind in DAILY_COUNT_KINDS:
        await leaderboards.mark_complete(activity.id)
    return activity
