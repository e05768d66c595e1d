"""GraphQL types of the activities subgraph. The quiz answer key has no field here on purpose."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

import strawberry

from unionhub.activities.activities import status_of
from unionhub.activities.leaderboards import Board, Entry
from unionhub.activities.models import (
    DAILY_COUNT_KINDS,
    ActivityKind,
    ActivityStatus,
    EnrollmentStatus,
    MinTier,
)
from unionhub.activities.models import Activity as ActivityRow
from unionhub.activities.models import Enrollment as EnrollmentRow
from unionhub.activities.models import QuizAttempt as QuizAttemptRow
from unionhub.activities.models import QuizQuestion as QuizQuestionRow
from unionhub.activities.models import ReadingRecord as ReadingRecordRow
from unionhub.activities.models import StepRecord as StepRecordRow
from unionhub.activities.quizzes import deadline
from unionhub.activities.steps import closes_at
from unionhub.identity.access import Tier
from unionhub.resolvers import activities_fields as fields
from unionhub.schema.docs import PAYLOAD_ERRORS
from unionhub.schema.entities import MemberRef, UnionRef, member_entity, union_entity
from unionhub.schema.errors import UserError
from unionhub.schema.permissions import gql_field

ActivityKindEnum = strawberry.enum(ActivityKind, name="ActivityKind",
                                   description="What members do in an activity.")
ActivityTierEnum = strawberry.enum(MinTier, name="ActivityTier",
                                   description="The lowest member tier an activity is open to.")
EnrollmentStatusEnum = strawberry.enum(EnrollmentStatus, name="EnrollmentStatus",
                                       description="Where an enrolment stands.")
LeaderboardScopeEnum = strawberry.enum(Board, name="LeaderboardScope",
                                       description="Who a leaderboard ranks.")


ActivityStatusEnum = strawberry.enum(ActivityStatus, name="ActivityStatus",
                                     description="An activity's phase, from its window.")


@strawberry.type(description="A member's steps on one day of a walking challenge.")
class StepRecord:
    date: date = strawberry.field(description="The Asia/Shanghai date walked.")
    steps: int = strawberry.field(description="Steps reported for the day (the last report "
                                              "counts).")
    counted_steps: int = strawberry.field(description="Of those, what counts: at most the "
                                                      "activity's dailyStepCap.")

    @classmethod
    def of(cls, row: StepRecordRow) -> StepRecord:
        return cls(date=row.day, steps=row.steps, counted_steps=row.counted)


@strawberry.type(description="What a member read on one day of a reading activity.")
class ReadingRecord:
    date: date = strawberry.field(description="The Shanghai date read.")
    minutes: int = strawberry.field(description="Minutes read that day (at most the "
                                                "activity's dailyMinuteCap).")
    title: str = strawberry.field(description="What was read, as given.")

    @classmethod
    def of(cls, row: ReadingRecordRow) -> ReadingRecord:
        return cls(date=row.day, minutes=row.minutes, title=row.title)


@strawberry.type(description="A place on an activity's leaderboard.")
class LeaderboardEntry:
    rank: int = strawberry.field(description="1 is first; equal scores share a rank (1, 2, 2, 4).")
    score: float = strawberry.field(
        description="MEMBER: counted steps (walking), minutes (reading) or the best quiz score; "
                    "UNION: 0–100, 70% its walkers' mean counted steps against the most "
                    "possible and 30% participation.")
    member: MemberRef | None = strawberry.field(default=None,
                                                description="The member; null on UNION boards.")
    union: UnionRef | None = strawberry.field(default=None,
                                              description="The union; null on MEMBER boards.")


def leaderboard_entry(info: strawberry.Info, by: Board, entry: Entry,
                      rec: Any = None) -> LeaderboardEntry:
    """`rec`: the member's record when the caller loaded it (its fields then answer at once)."""
    if by == Board.MEMBER:
        return LeaderboardEntry(rank=entry.rank, score=entry.score,
                                member=member_entity(info, entry.key, rec))
    return LeaderboardEntry(rank=entry.rank, score=entry.score, union=union_entity(info, entry.key))


@strawberry.type(description="A quiz question as members see it: text and options, never "
                         "the answer key.")
class QuizQuestion:
    id: strawberry.ID = strawberry.field(description="The question's id (QuizAnswerInput).")
    position: int = strawberry.field(description="Its place in the quiz, from 1.")
    text: str = strawberry.field(description="The question.")
    options: list[str] = strawberry.field(description="The choices, answered by index from 0.")
    points: int = strawberry.field(description="Points for a right answer.")

    @classmethod
    def of(cls, row: QuizQuestionRow) -> QuizQuestion:
        return cls(id=strawberry.ID(str(row.id)), position=row.position, text=row.text,
                   options=list(row.options), points=row.points)


@strawberry.type(description="A started quiz attempt.")
class QuizAttempt:
    id: strawberry.ID = strawberry.field(description="The attempt: name it in "
                                                     "submitQuizAnswers' attemptId.")
    started_at: datetime = strawberry.field(description="When it started (UTC instant).")
    deadline: datetime = strawberry.field(description="Answers must arrive by then: start + "
                                                      "timeLimitSeconds, or the quiz's endsAt "
                                                      "when earlier (UTC instant).")
    submitted: bool = strawberry.field(description="Whether answers were submitted.")
    questions: list[QuizQuestion] = strawberry.field(description="The questions, in order.")


@strawberry.type(description="A submitted quiz attempt's result.")
class QuizResult:
    score: int = strawberry.field(description="Points of the right answers.")
    max_score: int = strawberry.field(description="Points of all questions.")
    correct_count: int = strawberry.field(description="Questions answered right.")
    time_used_ms: int = strawberry.field(description="From start to submission, milliseconds.")
    submitted_at: datetime = strawberry.field(description="When it was submitted (UTC "
                                                          "instant).")
    rank: int | None = strawberry.field(default=None, description="The member's place on the "
                                                                  "quiz leaderboard.")

    @classmethod
    def of(cls, row: QuizAttemptRow, rank: int | None = None) -> QuizResult:
        return cls(score=row.score, max_score=row.max_score, correct_count=row.correct_count,
                   time_used_ms=row.time_used_ms, submitted_at=row.submitted_at, rank=rank)


@strawberry.type(description="A benefit draw's public record: the commitment from the start; "
                         "the seed once drawn, so anyone can check the winners.")
class DrawInfo:
    commitment: str = strawberry.field(description="sha256 of the secret seed, hex, published "
                                                   "before anyone enrols.")
    winners_count: int = strawberry.field(description="How many win.")
    drawn_at: datetime | None = strawberry.field(description="When it was drawn (UTC "
                                                             "instant); null before.")
    seed: str | None = strawberry.field(description="Revealed by the draw: sha256(seed) equals "
                                                    "the commitment.")
    entrants_digest: str | None = strawberry.field(
        description="sha256 of the sorted entrants' member ids joined by commas (the "
                    "enrolments but the LAPSED ones).")
    activity_id: strawberry.Private[int]

    @gql_field(description="Winners: the entrants with the lowest sha256(seed:memberId). A "
                           "plain list, small by nature: at most winnersCount.")
    async def winners(self, info: strawberry.Info) -> list[MemberRef]:
        return [member_entity(info, m) for m in
                await fields.draw_winner_ids(self.activity_id, self.drawn_at is not None)]

    @gql_field(description="Recomputed now: commitment, entrant list and winners all match.")
    async def verified(self, info: strawberry.Info) -> bool | None:
        return await fields.draw_verified(self.activity_id) if self.drawn_at else None


@strawberry.type(description=(
    "An activity a union organises for the members of its subtree: a walking challenge, a quiz, "
    "reading, a benefit draw or an event. Seen by those who may take part (and cadres in scope)."))
class Activity:
    row: strawberry.Private[ActivityRow]

    @strawberry.field(description="The activity's id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @strawberry.field(description="Its name.")
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="What it is (plain text; may be empty).")
    def description(self) -> str:
        return self.row.description

    @strawberry.field(description="Its kind.")
    def kind(self) -> ActivityKindEnum:
        return self.row.kind

    @strawberry.field(description=(
        "The union that organises it; members of its subtree may take part."))
    def organizer(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.row.organizer_id)

    @strawberry.field(description="When it opens (UTC instant).")
    def starts_at(self) -> datetime:
        return self.row.starts_at

    @strawberry.field(description="When it ends (UTC instant), exclusive.")
    def ends_at(self) -> datetime:
        return self.row.ends_at

    @strawberry.field(description=(
        "Walking and reading: when steps and minutes stop being taken (UTC instant, exclusive; "
        "midnight Asia/Shanghai ending the day after the last day); submissions from then on "
        "answer SUBMISSIONS_CLOSED. Null for other kinds."))
    def records_close_at(self) -> datetime | None:
        if self.row.kind not in DAILY_COUNT_KINDS:
            return None
        return closes_at(self.row).astimezone(UTC)  # the instant the refusal uses, in UTC

    @strawberry.field(description="UPCOMING, OPEN or ENDED, from the time now.")
    def status(self) -> ActivityStatusEnum:
        return status_of(self.row)

    @strawberry.field(description="The most enrolments; null for no limit.")
    def capacity(self) -> int | None:
        return self.row.capacity

    @strawberry.field(description="Members enrolled.")
    def enrolled_count(self) -> int:
        return self.row.enrolled_count

    @strawberry.field(description="The lowest tier that may enrol.")
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

    @strawberry.field(description="Benefit draws: the draw's public record; null for other kinds.")
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
                      by: Annotated[LeaderboardScopeEnum, strawberry.argument(
                          description="MEMBER: the caller's place; UNION: their union's.")
                      ] = Board.MEMBER) -> LeaderboardEntry | None:
        entry = await fields.my_place(info, self.row, by)
        return leaderboard_entry(info, by, entry) if entry else None

    @gql_field(tier=Tier.MEMBER, description="The caller's step records, newest first: a plain "
                                             "list, small by nature (one a day of the "
                                             "activity).")
    async def my_steps(self, info: strawberry.Info) -> list[StepRecord]:
        return [StepRecord.of(s) for s in await fields.my_steps(info, self.row)]

    @gql_field(tier=Tier.MEMBER, description="Reading activities: the caller's records, newest "
                                             "first: a plain list, small by nature (one a day "
                                             "of the activity).")
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


@strawberry.type(description="A member's enrolment in an activity.")
class Enrollment:
    row: strawberry.Private[EnrollmentRow]

    @strawberry.field(description="The enrolment's id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @strawberry.field(description="ENROLLED or WON.")
    def status(self) -> EnrollmentStatusEnum:
        return self.row.status

    @strawberry.field(description="A benefit draw's winner: the notification on the record.")
    def won(self) -> bool:
        return self.row.status == EnrollmentStatus.WON

    @strawberry.field(description="When the draw picked the member (UTC instant).")
    def won_at(self) -> datetime | None:
        return self.row.won_at

    @strawberry.field(description="When the member enrolled (UTC instant).")
    def enrolled_at(self) -> datetime:
        return self.row.enrolled_at

    @strawberry.field(description="Walking: the counted steps over all days (each day capped).")
    def total_counted_steps(self) -> int:
        return self.row.total_counted

    @strawberry.field(description="Walking: days with a step record.")
    def step_days(self) -> int:
        return self.row.step_days

    @strawberry.field(description="The member (personal fields masked by the usual rule).")
    def member(self, info: strawberry.Info) -> MemberRef:
        return member_entity(info, self.row.member_id)

    @strawberry.field(description="The activity.")
    async def activity(self, info: strawberry.Info) -> Activity:
        return Activity(row=await fields.load_activity(info, self.row.activity_id))


@strawberry.type(description="The result of createActivity or runDraw.")
class ActivityPayload:
    activity: Activity | None = strawberry.field(
        default=None, description="The activity as it stands; null on errors.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of enroll.")
class EnrollmentPayload:
    enrollment: Enrollment | None = strawberry.field(
        default=None, description="The enrolment; null on errors.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of submitSteps.")
class StepRecordPayload:
    record: StepRecord | None = strawberry.field(
        default=None, description="The day's record as it stands; null on errors.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of recordReading.")
class ReadingRecordPayload:
    record: ReadingRecord | None = strawberry.field(
        default=None, description="The day's record as it stands; null on errors.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of startQuiz.")
class QuizAttemptPayload:
    attempt: QuizAttempt | None = strawberry.field(
        default=None, description="The attempt with its questions; null on errors.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of submitQuizAnswers.")
class QuizResultPayload:
    result: QuizResult | None = strawberry.field(default=None,
                                                 description="The result; null on errors.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


def quiz_attempt(activity: ActivityRow, attempt: QuizAttemptRow,
                 questions: list[QuizQuestionRow]) -> QuizAttempt:
    return QuizAttempt(id=strawberry.ID(str(attempt.id)), started_at=attempt.started_at,
                       deadline=deadline(activity, attempt),
                       submitted=attempt.submitted_at is not None,
                       questions=[QuizQuestion.of(q) for q in questions])
