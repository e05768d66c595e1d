"""Activities models: activities, enrolments, step records, per-union tallies, quizzes.

References into identity are plain ids (`member_id`, `union_id`, `organizer_id`) so the
activities subgraph stays separable; `scope_path` copies the organiser's materialized path
(unions never move), so "is this member in scope" needs no join into identity's tables.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

STEP_CAP_DEFAULT = 12_000
STEP_RAW_MAX = 98_800  # WeChat's own cap: anything above is not a real count
READING_CAP_DEFAULT = 240  # minutes a day a reading activity counts (more is refused)
READING_CAP_MAX = 1_440
DRAW_THRESHOLD_DEFAULT = 90  # a quiz's points that enter its draw, unless it names others


class ActivityKind(StrEnum):
    WALKING = "WALKING"
    QUIZ = "QUIZ"
    READING = "READING"
    BENEFIT_DRAW = "BENEFIT_DRAW"
    EVENT = "EVENT"


class MinTier(StrEnum):
    MEMBER = "MEMBER"
    VERIFIED = "VERIFIED"


class ActivityStatus(StrEnum):
    UPCOMING = "UPCOMING"
    OPEN = "OPEN"
    ENDED = "ENDED"


class EnrollmentStatus(StrEnum):
    ENROLLED = "ENROLLED"
    WON = "WON"  # a benefit draw's winner
    # A benefit draw's enrolment whose member no longer met its terms (scope, tier) when it
    # was drawn: not an entrant (`draws.run_draw`).
    LAPSED = "LAPSED"


# Activities where members submit a count a day (steps, minutes read) that sums into totals,
# union tallies and leaderboards.
DAILY_COUNT_KINDS = frozenset({ActivityKind.WALKING, ActivityKind.READING})


class Activity(Model):
    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=100)
    description = fields.TextField(default="")
    kind = fields.CharEnumField(ActivityKind, max_length=12)
    organizer_id = fields.BigIntField(db_index=True)
    scope_path = fields.CharField(max_length=255, db_index=True)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    capacity = fields.IntField(null=True)
    enrolled_count = fields.IntField(default=0)
    min_tier = fields.CharEnumField(MinTier, max_length=10, default=MinTier.VERIFIED)
    daily_step_cap = fields.IntField(default=STEP_CAP_DEFAULT)
    quiz_time_limit_seconds = fields.IntField(default=600)
    # A quiz: attempts a member may start per Shanghai day (the best score counts), and the
    # benefit draw a submission scoring at least draw_threshold enters (once per member).
    quiz_attempts_per_day = fields.SmallIntField(default=1, db_default=1)
    quiz_draw_id = fields.BigIntField(null=True)
    quiz_draw_threshold = fields.IntField(default=DRAW_THRESHOLD_DEFAULT,
                                          db_default=DRAW_THRESHOLD_DEFAULT)
    # A reading activity: the most minutes a member may record for one day.
    daily_minute_cap = fields.SmallIntField(default=READING_CAP_DEFAULT, db_default=READING_CAP_DEFAULT)
    # Benefit draw: sha256(seed) is published at creation; the seed is revealed by the draw.
    winners_count = fields.IntField(null=True)
    draw_commitment = fields.CharField(max_length=64, null=True)
    draw_seed = fields.CharField(max_length=64, null=True)
    draw_entrants_digest = fields.CharField(max_length=64, null=True)
    drawn_at = fields.DatetimeField(null=True)
    # Leaderboard writes Redis missed (it was unreachable): the next read rebuilds from here.
    board_misses = fields.IntField(default=0)
    created_by_id = fields.BigIntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "activities"
        indexes = (Index(fields=("kind", "id")),)
        constraints = (
            CheckConstraint(check="enrolled_count >= 0", name="activity_enrolled_nonneg"),
            CheckConstraint(check="capacity IS NULL OR enrolled_count <= capacity",
                            name="activity_capacity"),
            CheckConstraint(check="ends_at > starts_at", name="activity_window"),
            CheckConstraint(check="daily_step_cap > 0", name="activity_step_cap"),
        )


class Enrollment(Model):
    id = fields.BigIntField(primary_key=True)
    activity: fields.ForeignKeyRelation[Activity] = fields.ForeignKeyField(
        "activities.Activity", related_name="enrollments", on_delete=fields.CASCADE
    )
    activity_id: int
    member_id = fields.BigIntField(db_index=True)
    union_id = fields.BigIntField()  # the member's union when enrolling: whom they walk for
    status = fields.CharEnumField(EnrollmentStatus, max_length=10, default=EnrollmentStatus.ENROLLED)
    enrolled_at = fields.DatetimeField(auto_now_add=True)
    won_at = fields.DatetimeField(null=True)
    # Walking: running totals kept in the same transaction as the step records.
    total_counted = fields.BigIntField(default=0)
    step_days = fields.IntField(default=0)

    class Meta:
        table = "activity_enrollments"
        unique_together = (("activity", "member_id"),)
        indexes = (Index(fields=("activity_id", "union_id")),)


class ReadingRecord(Model):
    """What a member read on one day of a reading activity (网上读书): one record a day,
    replaced on resubmission; minutes count towards the member's and the union's totals the
    way a walking challenge's counted steps do."""

    id = fields.BigIntField(primary_key=True)
    activity: fields.ForeignKeyRelation[Activity] = fields.ForeignKeyField(
        "activities.Activity", related_name="reading_records", on_delete=fields.CASCADE
    )
    activity_id: int
    member_id = fields.BigIntField()
    union_id = fields.BigIntField()
    day = fields.DateField()
    minutes = fields.SmallIntField()
    title = fields.CharField(max_length=100)
    submitted_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "activity_reading_records"
        unique_together = (("activity", "member_id", "day"),)
        constraints = (
            CheckConstraint(check=f"minutes > 0 AND minutes <= {READING_CAP_MAX}",
                            name="reading_minutes"),
        )


class StepRecord(Model):
    id = fields.BigIntField(primary_key=True)
    activity: fields.ForeignKeyRelation[Activity] = fields.ForeignKeyField(
        "activities.Activity", related_name="step_records", on_delete=fields.CASCADE
    )
    activity_id: int
    member_id = fields.BigIntField()
    union_id = fields.BigIntField()
    day = fields.DateField()
    steps = fields.IntField()
    counted = fields.IntField()
    submitted_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "activity_step_records"
        unique_together = (("activity", "member_id", "day"),)
        constraints = (
            CheckConstraint(check=f"steps >= 0 AND steps <= {STEP_RAW_MAX}", name="step_plausible"),
            CheckConstraint(check="counted >= 0 AND counted <= steps", name="step_counted"),
        )


class UnionTally(Model):
    """Per (activity, union) sums behind the union leaderboard, updated with the records."""

    id = fields.BigIntField(primary_key=True)
    activity: fields.ForeignKeyRelation[Activity] = fields.ForeignKeyField(
        "activities.Activity", related_name="union_tallies", on_delete=fields.CASCADE
    )
    activity_id: int
    union_id = fields.BigIntField()
    participants = fields.IntField(default=0)
    counted_sum = fields.BigIntField(default=0)

    class Meta:
        table = "activity_union_tallies"
        unique_together = (("activity", "union_id"),)


class QuizQuestion(Model):
    id = fields.BigIntField(primary_key=True)
    activity: fields.ForeignKeyRelation[Activity] = fields.ForeignKeyField(
        "activities.Activity", related_name="questions", on_delete=fields.CASCADE
    )
    activity_id: int
    position = fields.IntField()
    text = fields.TextField()
    options: fields.JSONField[list[str]] = fields.JSONField()  # list[str]
    answer_key: fields.JSONField[list[int]] = fields.JSONField()  # sorted list[int]: never leaves the server
    points = fields.IntField(default=10)

    class Meta:
        table = "activity_quiz_questions"
        unique_together = (("activity", "position"),)


class QuizAttempt(Model):
    """A member's attempt at a quiz: started (questions shown, clock running), then submitted
    once. Up to `quiz_attempts_per_day` a Shanghai day (numbered 1..n); the member's best
    submitted attempt is flagged `best` and is the one the leaderboard shows (at most one per
    member and quiz: the partial unique index `quiz_attempt_one_best`, migration 0004)."""

    id = fields.BigIntField(primary_key=True)
    activity: fields.ForeignKeyRelation[Activity] = fields.ForeignKeyField(
        "activities.Activity", related_name="quiz_attempts", on_delete=fields.CASCADE
    )
    activity_id: int
    member_id = fields.BigIntField()
    union_id = fields.BigIntField()
    started_at = fields.DatetimeField()
    submitted_at = fields.DatetimeField(null=True)
    answers: fields.JSONField[list[dict[str, Any]] | None] = fields.JSONField(null=True)
    score = fields.IntField(null=True)
    max_score = fields.IntField()
    correct_count = fields.IntField(null=True)
    time_used_ms = fields.IntField(null=True)
    day = fields.DateField(null=True)  # Shanghai date of the start; null only on rows before 0002
    attempt_no = fields.SmallIntField(default=1, db_default=1)
    best = fields.BooleanField(default=False, db_default=False)

    class Meta:
        table = "activity_quiz_attempts"
        unique_together = (("activity", "member_id", "day", "attempt_no"),)
        indexes = (Index(fields=("activity_id", "score", "time_used_ms")),
                   Index(fields=("activity_id", "best", "score", "time_used_ms")),
                   Index(fields=("activity_id", "member_id", "id")))
