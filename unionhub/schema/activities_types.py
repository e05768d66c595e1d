"""GraphQL types of the activities subgraph. The quiz answer key has no field here on purpose."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from unionhub.activities.activities import status_of
from unionhub.activities.leaderboards import Board, Entry
from unionhub.activities.models import Activity as ActivityRow
from unionhub.activities.models import ActivityKind, ActivityStatus, EnrollmentStatus, MinTier
from unionhub.activities.models import Enrollment as EnrollmentRow
from unionhub.activities.models import QuizAttempt as QuizAttemptRow
from unionhub.activities.models import QuizQuestion as QuizQuestionRow
from unionhub.activities.models import ReadingRecord as ReadingRecordRow
from unionhub.activities.models import StepRecord as StepRecordRow
from unionhub.activities.quizzes import deadline
from unionhub.identity.access import Tier
from unionhub.resolvers import activities_fields as fields
from unionhub.schema.entities import MemberRef, UnionRef, member_entity, union_entity
from unionhub.schema.errors import UserError
from unionhub.schema.permissions import gql_field

ActivityKindEnum = strawberry.enum(ActivityKind, name="ActivityKind")
ActivityTierEnum = strawberry.enum(MinTier, name="ActivityTier",
                                   description="The lowest member tier an activity is open to.")
EnrollmentStatusEnum = strawberry.enum(EnrollmentStatus, name="EnrollmentStatus")
LeaderboardScopeEnum = strawberry.enum(Board, name="LeaderboardScope")


ActivityStatusEnum = strawberry.enum(ActivityStatus, name="ActivityStatus")


@strawberry.type
class StepRecord:
    date: date
    steps: int
    counted_steps: int

    @classmethod
    def of(cls, row: StepRecordRow) -> StepRecord:
        return cls(date=row.day, steps=row.steps, counted_steps=row.counted)


@strawberry.type(description="What a member read on one day of a reading activity.")
class ReadingRecord:
    date: date = strawberry.field(description="The Shanghai date read.")
    minutes: int
    title: str

    @classmethod
    def of(cls, row: ReadingRecordRow) -> ReadingRecord:
        return cls(date=row.day, minutes=row.minutes, title=row.title)


@strawberry.type
class LeaderboardEntry:
    rank: int
    score: float
    member: MemberRef | None = None
    union: UnionRef | None = None


def leaderboard_entry(info: strawberry.Info, by: Board, entry: Entry) -> LeaderboardEntry:
    if by == Board.MEMBER:
        return LeaderboardEntry(rank=entry.rank, score=entry.score, member=member_entity(info, entry.key))
    return LeaderboardEntry(rank=entry.rank, score=entry.score, union=union_entity(info, entry.key))


@strawberry.type
class QuizQuestion:
    """A question as members see it: text and options, never the answer key."""

    id: strawberry.ID
    position: int
    text: str
    options: list[str]
    points: int

    @classmethod
    def of(cls, row: QuizQuestionRow) -> QuizQuestion:
        return cls(id=strawberry.ID(str(row.id)), position=row.position, text=row.text,
                   options=list(row.options), points=row.points)


@strawberry.type
class QuizAttempt:
    started_at: datetime
    deadline: datetime
    submitted: bool
    questions: list[QuizQuestion]


@strawberry.type
class QuizResult:
    score: int
    max_score: int
    correct_count: int
    time_used_ms: int
    submitted_at: datetime
    rank: int | None = None

    @classmethod
    def of(cls, row: QuizAttemptRow, rank: int | None = None) -> QuizResult:
        return cls(score=row.score, max_score=row.max_score, correct_count=row.correct_count,
                   time_used_ms=row.time_used_ms, submitted_at=row.submitted_at, rank=rank)


@strawberry.type
class DrawInfo:
    """The draw's public record: the commitment from the start; the seed once drawn."""

    commitment: str
    winners_count: int
    drawn_at: datetime | None
    seed: str | None = strawberry.field(description="Revealed by the draw: sha256(seed) equals "
                                                    "the commitment.")
    entrants_digest: str | None = strawberry.field(
        description="sha256 of the sorted entrants' member ids joined by commas.")
    activity_id: strawberry.Private[int]

    @gql_field(description="Winners: the entrants with the lowest sha256(seed:memberId).")
    async def winners(self, info: strawberry.Info) -> list[MemberRef]:
        return [member_entity(info, m) for m in
                await fields.draw_winner_ids(self.activity_id, self.drawn_at is not None)]

    @gql_field(description="Recomputed now: commitment, entrant list and winners all match.")
    async def verified(self, info: strawberry.Info) -> bool | None:
        return await fields.draw_verified(self.activity_id) if self.drawn_at else None


@strawberry.type
class Activity:
    row: strawberry.Private[ActivityRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def description(self) -> str:
        return self.row.description

    @strawberry.field
    def kind(self) -> ActivityKindEnum:
        return self.row.kind

    @strawberry.field
    def organizer(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.row.organizer_id)

    @strawberry.field
    def starts_at(self) -> datetime:
        return self.row.starts_at

    @strawberry.field
    def ends_at(self) -> datetime:
        return self.row.ends_at

    @strawberry.field
    def status(self) -> ActivityStatusEnum:
        return status_of(self.row)

    @strawberry.field
    def capacity(self) -> int | None:
        return self.row.capacity

    @strawberry.field
    def enrolled_count(self) -> int:
        return self.row.enrolled_count

    @strawberry.field
    def min_tier(self) -> ActivityTierEnum:
        return self.row.min_tier

    @strawberry.field(description="Walking challenges: the most steps a day counts.")
    def daily_step_cap(self) -> int | None:
        return self.row.daily_step_cap if self.row.kind == ActivityKind.WALKING else None

    @strawberry.field(description="Quizzes: seconds from start to submission.")
    def time_limit_seconds(self) -> int | None:
        return self.row.quiz_time_limit_seconds if self.row.kind == ActivityKind.QUIZ else None

    @strawberry.field(description="Quizzes: attempts a member may start each Shanghai day; "
                                  "the best score counts on the leaderboard.")
    def attempts_per_day(self) -> int | None:
        return self.row.quiz_attempts_per_day if self.row.kind == ActivityKind.QUIZ else None

    @strawberry.field(description="Quizzes: the benefit draw a high score enters.")
    def draw_activity_id(self) -> strawberry.ID | None:
        draw = self.row.quiz_draw_id if self.row.kind == ActivityKind.QUIZ else None
        return None if draw is None else strawberry.ID(str(draw))

    @strawberry.field(description="Quizzes with a draw: the points that enter it.")
    def draw_threshold(self) -> int | None:
        if self.row.kind != ActivityKind.QUIZ or self.row.quiz_draw_id is None:
            return None
        return self.row.quiz_draw_threshold

    @strawberry.field
    def draw(self) -> DrawInfo | None:
        row = self.row
        if row.kind != ActivityKind.BENEFIT_DRAW:
            return None
        drawn = row.drawn_at is not None
        return DrawInfo(commitment=row.draw_commitment, winners_count=row.winners_count or 0,
                        drawn_at=row.drawn_at, seed=row.draw_seed if drawn else None,
                        entrants_digest=row.draw_entrants_digest if drawn else None,
                        activity_id=row.id)

    @gql_field(tier=Tier.MEMBER, description="The caller's enrolment, if any.")
    async def my_enrollment(self, info: strawberry.Info) -> Enrollment | None:
        found = await fields.my_enrollment(info, self.row)
        return Enrollment(row=found) if found else None

    @gql_field(tier=Tier.MEMBER, description="The caller's (or, by UNION, their union's) place.")
    async def my_rank(self, info: strawberry.Info,
                      by: LeaderboardScopeEnum = Board.MEMBER) -> LeaderboardEntry | None:
        entry = await fields.my_place(info, self.row, by)
        return leaderboard_entry(info, by, entry) if entry else None

    @gql_field(tier=Tier.MEMBER, description="The caller's step records, newest first.")
    async def my_steps(self, info: strawberry.Info) -> list[StepRecord]:
        return [StepRecord.of(s) for s in await fields.my_steps(info, self.row)]

    @gql_field(tier=Tier.MEMBER, description="Reading activities: the caller's records, newest "
                                             "first.")
    async def my_readings(self, info: strawberry.Info) -> list[ReadingRecord]:
        return [ReadingRecord.of(r) for r in await fields.my_readings(info, self.row)]

    @gql_field(tier=Tier.MEMBER, description="Reading activities: the caller's consecutive days "
                                             "with a record, ending today or yesterday.")
    async def my_streak(self, info: strawberry.Info) -> int | None:
        return await fields.my_streak(info, self.row)

    @strawberry.field(description="Reading activities: the most minutes one day may record.")
    def daily_minute_cap(self) -> int | None:
        return self.row.daily_minute_cap if self.row.kind == ActivityKind.READING else None

    @gql_field(tier=Tier.MEMBER, description="The caller's quiz result once submitted.")
    async def my_quiz_result(self, info: strawberry.Info) -> QuizResult | None:
        found = await fields.my_quiz_result(info, self.row)
        return QuizResult.of(*found) if found else None


@strawberry.type
class Enrollment:
    row: strawberry.Private[EnrollmentRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @strawberry.field
    def status(self) -> EnrollmentStatusEnum:
        return self.row.status

    @strawberry.field(description="A benefit draw's winner: the notification on the record.")
    def won(self) -> bool:
        return self.row.status == EnrollmentStatus.WON

    @strawberry.field
    def won_at(self) -> datetime | None:
        return self.row.won_at

    @strawberry.field
    def enrolled_at(self) -> datetime:
        return self.row.enrolled_at

    @strawberry.field
    def total_counted_steps(self) -> int:
        return self.row.total_counted

    @strawberry.field
    def step_days(self) -> int:
        return self.row.step_days

    @strawberry.field
    def member(self, info: strawberry.Info) -> MemberRef:
        return member_entity(info, self.row.member_id)

    @strawberry.field
    async def activity(self, info: strawberry.Info) -> Activity:
        return Activity(row=await fields.load_activity(info, self.row.activity_id))


@strawberry.type
class ActivityPayload:
    activity: Activity | None = None
    errors: list[UserError]


@strawberry.type
class EnrollmentPayload:
    enrollment: Enrollment | None = None
    errors: list[UserError]


@strawberry.type
class StepRecordPayload:
    record: StepRecord | None = None
    errors: list[UserError]


@strawberry.type
class ReadingRecordPayload:
    record: ReadingRecord | None = None
    errors: list[UserError]


@strawberry.type
class QuizAttemptPayload:
    attempt: QuizAttempt | None = None
    errors: list[UserError]


@strawberry.type
class QuizResultPayload:
    result: QuizResult | None = None
    errors: list[UserError]


def quiz_attempt(activity: ActivityRow, attempt: QuizAttemptRow,
                 questions: list[QuizQuestionRow]) -> QuizAttempt:
    return QuizAttempt(started_at=attempt.started_at, deadline=deadline(activity, attempt),
                       submitted=attempt.submitted_at is not None,
                       questions=[QuizQuestion.of(q) for q in questions])
