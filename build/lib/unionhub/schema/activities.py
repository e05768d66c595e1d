"""The activities subgraph: walking challenges, quizzes, reading, benefit draws, events."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from unionhub.activities.activities import QuestionSpec, QuizOptions
from unionhub.activities.models import MinTier
from unionhub.activities.quizzes import Answer
from unionhub.identity.access import Tier
from unionhub.resolvers import activities as r
from unionhub.schema.activities_types import (
    Activity,
    ActivityKindEnum,
    ActivityPayload,
    ActivityTierEnum,
    Enrollment,
    EnrollmentPayload,
    LeaderboardEntry,
    QuizAttemptPayload,
    QuizResultPayload,
    ReadingRecordPayload,
    StepRecordPayload,
)
from unionhub.schema.builder import SchemaPart
from unionhub.schema.permissions import gql_field
from unionhub.schema.relay import Connection


@strawberry.input
class QuizQuestionInput:
    text: str
    options: list[str]
    answer: list[int] = strawberry.field(description="Indexes of the correct options.")
    points: int = 10


@strawberry.input
class CreateActivityInput:
    name: str
    kind: ActivityKindEnum
    starts_at: datetime
    ends_at: datetime
    organizer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Defaults to the cadre's own org.")
    capacity: int | None = None
    min_tier: ActivityTierEnum = MinTier.VERIFIED
    description: str = ""
    daily_step_cap: int | None = None
    daily_minute_cap: int | None = strawberry.field(
        default=None, description="Reading activities: the most minutes a day (1-1440, "
                                  "default 240).")
    winners_count: int | None = None
    time_limit_seconds: int | None = None
    questions: list[QuizQuestionInput] | None = None
    attempts_per_day: int | None = strawberry.field(
        default=None, description="Quizzes: attempts a member may start each Shanghai day, 1-10 "
                                  "(default 1); the best score counts.")
    draw_activity_id: strawberry.ID | None = strawberry.field(
        default=None, description="Quizzes: an open BENEFIT_DRAW in your scope that a score at "
                                  "or above drawThreshold enters, once per member.")
    draw_threshold: int | None = strawberry.field(
        default=None, description="Quizzes with a draw: the points that enter it (default 90).")


@strawberry.input
class EnrollInput:
    activity_id: strawberry.ID


@strawberry.input
class SubmitStepsInput:
    activity_id: strawberry.ID
    date: date
    steps: int


@strawberry.input
class RecordReadingInput:
    activity_id: strawberry.ID
    date: date = strawberry.field(description="The Shanghai date read: today or earlier, "
                                              "within the activity's window.")
    minutes: int = strawberry.field(description="1 to the activity's dailyMinuteCap.")
    title: str = strawberry.field(description="What was read, 1 to 100 characters.")


@strawberry.input
class StartQuizInput:
    activity_id: strawberry.ID


@strawberry.input
class QuizAnswerInput:
    question_id: strawberry.ID
    choices: list[int]


@strawberry.input
class SubmitQuizAnswersInput:
    activity_id: strawberry.ID
    answers: list[QuizAnswerInput]


@strawberry.input
class RunDrawInput:
    activity_id: strawberry.ID


@strawberry.type
class ActivitiesQuery:
    activities: Connection[Activity] = gql_field(resolver=r.activities)
    activity: Activity | None = gql_field(resolver=r.activity)
    leaderboard: list[LeaderboardEntry] = gql_field(resolver=r.leaderboard)


def _optional_id(value: strawberry.ID | None) -> int | None:
    """An id that is not a number names nothing: the rule refuses it as it refuses a wrong one."""
    if value is None:
        return None
    return int(value) if str(value).isdigit() else 0


def _answers(items: list[QuizAnswerInput]) -> list[Answer]:
    out = []
    for item in items:
        try:
            qid = int(item.question_id)
        except ValueError:
            qid = -1
        out.append(Answer(question_id=qid, choices=list(item.choices)))
    return out


@strawberry.type
class ActivitiesMutation:
    @gql_field(tier=Tier.CADRE)
    async def create_activity(self, info: strawberry.Info,
                              input: CreateActivityInput) -> ActivityPayload:
        questions = None if input.questions is None else [
            QuestionSpec(text=q.text, options=list(q.options), answer=list(q.answer),
                         points=q.points) for q in input.questions
        ]
        return await r.create_activity(
            info, name=input.name, kind=input.kind, organizer_id=input.organizer_id,
            starts_at=input.starts_at, ends_at=input.ends_at, capacity=input.capacity,
            min_tier=input.min_tier, description=input.description,
            daily_step_cap=input.daily_step_cap, winners_count=input.winners_count,
            time_limit_seconds=input.time_limit_seconds, questions=questions,
            daily_minute_cap=input.daily_minute_cap,
            quiz=QuizOptions(attempts_per_day=input.attempts_per_day,
                             draw_activity_id=_optional_id(input.draw_activity_id),
                             draw_threshold=input.draw_threshold),
        )

    @gql_field(tier=Tier.MEMBER, description="The activity sets the tier it needs.")
    async def enroll(self, info: strawberry.Info, input: EnrollInput) -> EnrollmentPayload:
        return await r.enroll(info, input.activity_id)

    @gql_field(tier=Tier.MEMBER, description="One record per member per day: a resubmission "
                                             "replaces it. Counted steps are capped.")
    async def submit_steps(self, info: strawberry.Info,
                           input: SubmitStepsInput) -> StepRecordPayload:
        return await r.submit_steps(info, input.activity_id, input.date, input.steps)

    @gql_field(tier=Tier.MEMBER, description="One record per member per day: a resubmission "
                                             "replaces it. Errors: MINUTES_OVER_CAP, "
                                             "MINUTES_INVALID, TITLE_REQUIRED, DATE_IN_FUTURE, "
                                             "DATE_OUTSIDE_WINDOW, NOT_ENROLLED.")
    async def record_reading(self, info: strawberry.Info,
                             input: RecordReadingInput) -> ReadingRecordPayload:
        return await r.record_reading(info, input.activity_id, input.date, input.minutes,
                                      input.title)

    @gql_field(tier=Tier.MEMBER, description="Shows the questions and starts the clock (once).")
    async def start_quiz(self, info: strawberry.Info,
                         input: StartQuizInput) -> QuizAttemptPayload:
        return await r.start_quiz(info, input.activity_id)

    @gql_field(tier=Tier.MEMBER, description="One submission per member, scored on the server.")
    async def submit_quiz_answers(self, info: strawberry.Info,
                                  input: SubmitQuizAnswersInput) -> QuizResultPayload:
        return await r.submit_quiz_answers(info, input.activity_id, _answers(input.answers))

    @gql_field(tier=Tier.CADRE, description="Runs a benefit draw once; closes its enrolment.")
    async def run_draw(self, info: strawberry.Info, input: RunDrawInput) -> ActivityPayload:
        return await r.run_draw(info, input.activity_id)


@strawberry.type
class ActivitiesMemberFields:
    @gql_field(tier=Tier.MEMBER,
               description="The member's enrolments, newest first: the member and cadres in scope.")
    async def activities(self, info: strawberry.Info, first: int | None = 20) -> list[Enrollment]:
        return await r.member_activities(info, int(self.id), first)


@strawberry.type
class ActivitiesUnionFields:
    @gql_field(description="Activities this union organises that the caller may see, newest first.")
    async def activities(self, info: strawberry.Info, first: int | None = 20) -> list[Activity]:
        return await r.union_activities(info, int(self.id), first)


PART = SchemaPart(
    query=ActivitiesQuery,
    mutation=ActivitiesMutation,
    member_fields=ActivitiesMemberFields,
    union_fields=ActivitiesUnionFields,
)
