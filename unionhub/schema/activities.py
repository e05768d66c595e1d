"""The activities subgraph: walking challenges, quizzes, reading, benefit draws, events."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from unionhub.activities.activities import QuestionSpec, QuizOptions
from unionhub.activities.board_rows import BOARD_ROW_TTL_SECONDS
from unionhub.activities.models import MinTier
from unionhub.activities.quizzes import Answer
from unionhub.identity.access import Tier
from unionhub.resolvers import activities as r
from unionhub.resolvers import activities_pages as rp
from unionhub.schema.activities_types import (
    Activity,
    ActivityKindEnum,
    ActivityPayload,
    ActivityStatusEnum,
    ActivityTierEnum,
    Enrollment,
    EnrollmentPayload,
    EnrollmentStatusEnum,
    LeaderboardEntry,
    LeaderboardScopeEnum,
    QuizAttemptPayload,
    QuizResultPayload,
    ReadingRecordPayload,
    StepRecordPayload,
)
from unionhub.schema.builder import SchemaPart
from unionhub.schema.docs import describe_values
from unionhub.schema.permissions import gql_field
from unionhub.schema.relay import MAX_PAGE, After, Before, Connection, First, Last, replaced_by


@strawberry.input(description="A quiz question with its answer key (never shown to members).")
class QuizQuestionInput:
    text: str = strawberry.field(description="The question; not empty.")
    options: list[str] = strawberry.field(description="2–10 non-empty choices.")
    answer: list[int] = strawberry.field(description="Indexes of the correct options.")
    points: int = strawberry.field(default=10, description="1–100.")


@strawberry.input(description="A new activity. Times without an offset are read as Asia/Shanghai.")
class CreateActivityInput:
    name: str = strawberry.field(description="2–100 characters.")
    kind: ActivityKindEnum = strawberry.field(description="What members do; fixes which "
                                                          "fields below apply.")
    starts_at: datetime = strawberry.field(description="When it opens.")
    ends_at: datetime = strawberry.field(description="When it ends: after startsAt, in the "
                                                     "future.")
    organizer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Defaults to the cadre's own org.")
    capacity: int | None = strawberry.field(default=None, description="The most enrolments, "
                                                                  "at least 1; null: no limit.")
    min_tier: ActivityTierEnum = strawberry.field(default=MinTier.VERIFIED,
                                                  description="The lowest tier that may enrol.")
    description: str = strawberry.field(default="", description="Plain text.")
    daily_step_cap: int | None = strawberry.field(
        default=None, description="Walking only: the most steps a day counts, 1–98,800.")
    daily_minute_cap: int | None = strawberry.field(
        default=None, description="Reading activities: the most minutes a day (1-1440, "
                                  "default 240).")
    winners_count: int | None = strawberry.field(default=None, description="Benefit draws "
                                                                       "only (required): "
                                                                       "winners, at least 1.")
    time_limit_seconds: int | None = strawberry.field(
        default=None, description="Quizzes: 30–7200 seconds per attempt (default 600).")
    questions: list[QuizQuestionInput] | None = strawberry.field(
        default=None, description="Quizzes (required): 1–100 questions.")
    attempts_per_day: int | None = strawberry.field(
        default=None, description="Quizzes: attempts a member may start each Shanghai day, 1-10 "
                                  "(default 1); the best score counts.")
    draw_activity_id: strawberry.ID | None = strawberry.field(
        default=None, description="Quizzes: an open BENEFIT_DRAW in your scope that a score at "
                                  "or above drawThreshold enters, once per member.")
    draw_threshold: int | None = strawberry.field(
        default=None, description="Quizzes with a draw: the points that enter it (default 90).")


@strawberry.input(description="The activity to enrol in.")
class EnrollInput:
    activity_id: strawberry.ID = strawberry.field(description="The activity.")


@strawberry.input(description="A day's steps.")
class SubmitStepsInput:
    activity_id: strawberry.ID = strawberry.field(description="A walking challenge the caller "
                                                              "is enrolled in.")
    date: date = strawberry.field(description="The Asia/Shanghai date walked: today or "
                                              "earlier, within the activity's window; taken "
                                              "until the end of the day after its last day.")
    steps: int = strawberry.field(description="The day's total, 0–98,800 (the phone's count).")


@strawberry.input(description="A day's reading.")
class RecordReadingInput:
    activity_id: strawberry.ID = strawberry.field(description="A reading activity the caller "
                                                              "is enrolled in.")
    date: date = strawberry.field(description="The Shanghai date read: today or earlier, "
                                              "within the activity's window; taken until the "
                                              "end of the day after its last day.")
    minutes: int = strawberry.field(description="1 to the activity's dailyMinuteCap.")
    title: str = strawberry.field(description="What was read, 1 to 100 characters.")


@strawberry.input(description="The quiz to start.")
class StartQuizInput:
    activity_id: strawberry.ID = strawberry.field(description="An open quiz the caller is "
                                                              "enrolled in.")


@strawberry.input(description="The answer to one question.")
class QuizAnswerInput:
    question_id: strawberry.ID = strawberry.field(description="A question of the quiz.")
    choices: list[int] = strawberry.field(description="Indexes (from 0) of the options "
                                                      "chosen; right only if exactly the key.")


@strawberry.input(description="The answers of the started attempt.")
class SubmitQuizAnswersInput:
    activity_id: strawberry.ID = strawberry.field(description="The quiz.")
    answers: list[QuizAnswerInput] = strawberry.field(description="Unanswered questions "
                                                                  "score 0.")
    attempt_id: strawberry.ID | None = strawberry.field(
        default=None, description="The attempt answered (startQuiz's attempt.id): then only "
                                  "that one, so a retry never answers a later attempt; a "
                                  "retry of a submitted attempt with the same answers gets "
                                  "its result. Omitted: the latest attempt.")


@strawberry.input(description="The benefit draw to run.")
class RunDrawInput:
    activity_id: strawberry.ID = strawberry.field(description="A BENEFIT_DRAW in the cadre's "
                                                              "scope, not drawn yet.")


@strawberry.type
class ActivitiesQuery:
    activities: Connection[Activity] = gql_field(
        resolver=r.activities,
        description="Activities open to the caller, newest first (none for guests).")
    activity: Activity | None = gql_field(
        resolver=r.activity, description="An activity the caller may see; null otherwise.")
    leaderboard: list[LeaderboardEntry] = gql_field(
        resolver=r.leaderboard, description=f"The top `first` entries (1–{MAX_PAGE}) of an "
                                            "activity's leaderboard, best first (the activity "
                                            "must be visible; a step total the board's store "
                                            "missed in an outage may show up to "
                                            f"{BOARD_ROW_TTL_SECONDS:g} s late).",
        deprecation_reason=replaced_by("leaderboardConnection"))
    leaderboard_connection: Connection[LeaderboardEntry] = gql_field(
        resolver=rp.leaderboard_connection,
        description="The whole leaderboard of an activity the caller may see, best first "
                    "(competition ranks: equal scores share a rank), at most "
                    f"{MAX_PAGE} a page. The board is live: an entry that moves between two "
                    "pages may appear on both or neither, one that keeps its place does not. "
                    "After an outage of the board's store, a step total it missed may show "
                    f"up to {BOARD_ROW_TTL_SECONDS:g} s late.")


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
    @gql_field(tier=Tier.CADRE, description="Creates an activity organised by a union in the "
                                            "cadre's scope (a draw publishes its commitment).")
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

    @gql_field(tier=Tier.MEMBER, description="One record per member per day; a day's steps "
                                             "only go up: more replace the record, fewer are "
                                             "refused (STEPS_BELOW_RECORDED). Counted steps "
                                             "are capped.")
    async def submit_steps(self, info: strawberry.Info,
                           input: SubmitStepsInput) -> StepRecordPayload:
        return await r.submit_steps(info, input.activity_id, input.date, input.steps)

    @gql_field(tier=Tier.MEMBER, description="One record per member per day: a resubmission "
                                             "replaces it.")
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
        return await r.submit_quiz_answers(info, input.activity_id, _answers(input.answers),
                                           _optional_id(input.attempt_id))

    @gql_field(tier=Tier.CADRE, description="Runs a benefit draw once; closes its enrolment.")
    async def run_draw(self, info: strawberry.Info, input: RunDrawInput) -> ActivityPayload:
        return await r.run_draw(info, input.activity_id)


@strawberry.type
class ActivitiesMemberFields:
    @gql_field(tier=Tier.MEMBER,
               description="The member's newest enrolments: the member and cadres in scope.",
               deprecation_reason=replaced_by("activitiesConnection"))
    async def activities(self, info: strawberry.Info,
                         first: Annotated[int | None, strawberry.argument(description=(
                             "How many: 1–100, default 20."))] = 20,
                         ) -> list[Enrollment]:
        return await r.member_activities(info, int(self.id), first)

    @gql_field(tier=Tier.MEMBER,
               description=f"All the member's enrolments, newest first, at most {MAX_PAGE} a "
                           "page: the member and cadres whose scope holds the member; null "
                           "for anyone else.")
    async def activities_connection(self, info: strawberry.Info, first: First = None,
                                    after: After = None, last: Last = None,
                                    before: Before = None) -> Connection[Enrollment] | None:
        return await rp.member_enrollments(info, int(self.id), first, after, last, before)


@strawberry.type
class ActivitiesUnionFields:
    @gql_field(description="The newest activities this union organises that the caller may "
                           "see.", deprecation_reason=replaced_by("activitiesConnection"))
    async def activities(self, info: strawberry.Info,
                         first: Annotated[int | None, strawberry.argument(description=(
                             "How many: 1–100, default 20."))] = 20,
                         ) -> list[Activity]:
        return await r.union_activities(info, int(self.id), first)

    @gql_field(description="Activities this union organises that the caller may see, newest "
                           f"first, at most {MAX_PAGE} a page (empty for a guest).")
    async def activities_connection(self, info: strawberry.Info, first: First = None,
                                    after: After = None, last: Last = None,
                                    before: Before = None) -> Connection[Activity]:
        return await rp.union_activities(info, int(self.id), first, after, last, before)


describe_values(ActivityKindEnum, WALKING="A walking challenge: daily steps, capped, ranked.",
                QUIZ="A timed quiz scored on the server; the best daily attempt ranks.",
                READING="Reading: minutes a day, capped, with streaks.",
                BENEFIT_DRAW="A verifiable draw among the enrolled (commitment, then seed).",
                EVENT="An event members enrol in.")
describe_values(ActivityTierEnum, MEMBER="Any signed-in account in scope.",
                VERIFIED="Verified members with an active card only.")
describe_values(EnrollmentStatusEnum, ENROLLED="Enrolled.", WON="Won the benefit draw.",
                LAPSED="A benefit draw's enrolment whose member no longer met its terms (its "
                       "scope, its tier) when it was drawn: not an entrant.")
describe_values(LeaderboardScopeEnum, MEMBER="Members ranked.", UNION="Unions ranked.")
describe_values(ActivityStatusEnum, UPCOMING="Before startsAt.",
                OPEN="From startsAt until endsAt.", ENDED="From endsAt on.")

PART = SchemaPart(
    query=ActivitiesQuery,
    mutation=ActivitiesMutation,
    member_fields=ActivitiesMemberFields,
    union_fields=ActivitiesUnionFields,
)
