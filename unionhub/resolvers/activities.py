"""Activities' resolvers: read arguments, call the domain, shape the payload."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from unionhub.activities import boards, draws, enrolment, loaders, quizzes, reading, steps
from unionhub.activities.activities import (
    QuestionSpec,
    QuizOptions,
    get_visible,
    get_visible_board,
    is_visible,
    listing,
)
from unionhub.activities.activities import (
    create_activity as create_activity_rule,
)
from unionhub.activities.leaderboards import Board
from unionhub.activities.models import ActivityKind, ActivityStatus, MinTier
from unionhub.db_replicas import replica_read
from unionhub.errors import NotFound
from unionhub.identity import orgs
from unionhub.observability.tracing import traced
from unionhub.resolvers.activities_fields import signed_in
from unionhub.schema.activities_types import (
    Activity,
    ActivityPayload,
    Enrollment,
    EnrollmentPayload,
    LeaderboardEntry,
    QuizAttemptPayload,
    QuizResult,
    QuizResultPayload,
    ReadingRecord,
    ReadingRecordPayload,
    StepRecord,
    StepRecordPayload,
    leaderboard_entry,
    quiz_attempt,
)
from unionhub.schema.errors import payload
from unionhub.schema.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    connection,
    empty_connection,
    keyset_page,
    page_size,
)


def _id(value: str, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound("no such id", field=field) from None


# --- queries -------------------------------------------------------------------------------

@traced("resolve activities")
@replica_read
async def activities(info: strawberry.Info,
                     union_id: Annotated[strawberry.ID | None, strawberry.argument(description=(
                         "Only those organised at or below this union."))] = None,
                     kind: Annotated[ActivityKind | None, strawberry.argument(description=(
                         "Only this kind."))] = None,
                     status: Annotated[ActivityStatus | None, strawberry.argument(description=(
                         "Only this phase."))] = None,
                     first: First = None, after: After = None, last: Last = None,
                     before: Before = None) -> Connection[Activity]:
    """Activities open to the caller, newest first; `unionId` keeps those organised at or
    below that union. Guests see none: every activity is for the members in its scope."""
    within = None
    if union_id is not None:
        within = (await orgs.get_union(_id(union_id, "unionId"))).path
    qs = listing(info.context.principal, await info.context.caller_record(), within_path=within,
                 kind=kind, status=status)
    if qs is None:
        return empty_connection(first, last)
    rows, page = await keyset_page(qs, first, after, newest_first=True, last=last,
                                   before=before)
    return connection([Activity(row=r) for r in rows], [r.id for r in rows], page)


async def activity(info: strawberry.Info,
                   id: Annotated[strawberry.ID, strawberry.argument(description=(
                       "The activity's id."))]) -> Activity | None:
    try:
        row = await get_visible(_id(id, "id"), info.context.principal,
                                await info.context.caller_record())
    except NotFound:
        return None
    return Activity(row=row)


@traced("resolve leaderboard")
async def leaderboard(info: strawberry.Info,
                      activity_id: Annotated[strawberry.ID, strawberry.argument(description=(
                          "The activity."))],
                      by: Annotated[Board, strawberry.argument(description=(
                          "MEMBER ranks members, UNION ranks unions."))],
                      first: Annotated[int | None, strawberry.argument(description=(
                          "How many from the top: 1–100, default 20."))] = None,
                      ) -> list[LeaderboardEntry]:
    row = await get_visible_board(_id(activity_id, "activityId"), info.context.principal,
                                  await info.context.caller_record())
    entries = await boards.top(row, by, page_size(first))
    return [leaderboard_entry(info, by, e) for e in entries]


async def member_activities(info: strawberry.Info, member_id: int,
                            first: int | None) -> list[Enrollment]:
    """A member's enrolments: the member and cadres whose scope holds them; else empty."""
    principal = info.context.principal
    record = None if principal.member_id == member_id else await info.context.members.load(member_id)
    if not enrolment.may_see_enrollments(principal, member_id, record):
        return []
    rows = await info.context.loader("activities.by_member",
                                     loaders.enrollments_of_members).load(member_id)
    if principal.member_id != member_id:  # a cadre: the activities in their view only
        caller = await info.context.caller_record()
        shown = await info.context.loader("activities.by_id", loaders.activities_by_id) \
            .load_many([e.activity_id for e in rows])
        rows = [e for e, a in zip(rows, shown, strict=True)
                if a is not None and is_visible(a, principal, caller)]
    return [Enrollment(row=e) for e in rows[:page_size(first)]]


async def union_activities(info: strawberry.Info, union_id: int,
                           first: int | None) -> list[Activity]:
    principal = info.context.principal
    record = await info.context.caller_record()
    rows = await info.context.loader("activities.by_organizer", loaders.organized_by).load(union_id)
    visible = [a for a in rows if is_visible(a, principal, record)]
    return [Activity(row=a) for a in visible[:page_size(first)]]


# --- mutations -----------------------------------------------------------------------------

async def create_activity(info: strawberry.Info, *, name: str, kind: ActivityKind,
                          organizer_id: strawberry.ID | None, starts_at: datetime,
                          ends_at: datetime, capacity: int | None, min_tier: MinTier,
                          description: str, daily_step_cap: int | None,
                          winners_count: int | None, time_limit_seconds: int | None,
                          questions: list[QuestionSpec] | None,
                          quiz: QuizOptions | None = None,
                          daily_minute_cap: int | None = None) -> ActivityPayload:
    principal = info.context.principal
    org = _id(organizer_id, "organizerId") if organizer_id is not None else principal.scope_org_id
    if org is None:
        raise NotFound("name the organising union", field="organizerId")
    work = create_activity_rule(
        principal, name=name, kind=kind, organizer_id=org, starts_at=starts_at, ends_at=ends_at,
        capacity=capacity, min_tier=min_tier, description=description,
        daily_step_cap=daily_step_cap, winners_count=winners_count,
        time_limit_seconds=time_limit_seconds, questions=questions, quiz=quiz,
        daily_minute_cap=daily_minute_cap,
    )
    return await payload(ActivityPayload, work, lambda a: {"activity": Activity(row=a)})


async def enroll(info: strawberry.Info, activity_id: strawberry.ID) -> EnrollmentPayload:
    record = await signed_in(info)
    work = enrolment.enroll(_id(activity_id, "activityId"), info.context.principal, record)
    return await payload(EnrollmentPayload, work, lambda e: {"enrollment": Enrollment(row=e)})


async def submit_steps(info: strawberry.Info, activity_id: strawberry.ID, day: date,
                       count: int) -> StepRecordPayload:
    record = await signed_in(info)
    work = steps.submit_steps(_id(activity_id, "activityId"), info.context.principal, record,
                              day, count)
    return await payload(StepRecordPayload, work, lambda s: {"record": StepRecord.of(s)})


async def record_reading(info: strawberry.Info, activity_id: strawberry.ID, day: date,
                         minutes: int, title: str) -> ReadingRecordPayload:
    record = await signed_in(info)
    work = reading.record_reading(_id(activity_id, "activityId"), info.context.principal, record,
                                  day, minutes, title)
    return await payload(ReadingRecordPayload, work, lambda r: {"record": ReadingRecord.of(r)})


async def start_quiz(info: strawberry.Info, activity_id: strawberry.ID) -> QuizAttemptPayload:
    record = await signed_in(info)

    async def work():
        row, attempt = await quizzes.start_quiz(_id(activity_id, "activityId"),
                                                info.context.principal, record)
        return quiz_attempt(row, attempt, await quizzes.questions_of(row.id))

    return await payload(QuizAttemptPayload, work(), lambda a: {"attempt": a})


async def submit_quiz_answers(info: strawberry.Info, activity_id: strawberry.ID,
                              answers: list[quizzes.Answer],
                              attempt_id: int | None = None) -> QuizResultPayload:
    record = await signed_in(info)

    async def work():
        aid = _id(activity_id, "activityId")
        attempt = await quizzes.submit_answers(aid, info.context.principal, record, answers,
                                               attempt_id)
        return QuizResult.of(attempt, await quizzes.rank_in(aid, attempt))

    return await payload(QuizResultPayload, work(), lambda res: {"result": res})


async def run_draw(info: strawberry.Info, activity_id: strawberry.ID) -> ActivityPayload:
    work = draws.run_draw(_id(activity_id, "activityId"), info.context.principal)
    return await payload(ActivityPayload, work, lambda a: {"activity": Activity(row=a)})
