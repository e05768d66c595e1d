"""The fields of Activity, Enrollment and DrawInfo: what they ask of the domain, answered as
domain values that schema/activities_types.py wraps. This module imports no schema type, so
the types import it directly (no import cycle between schema and resolvers)."""

from __future__ import annotations

import strawberry

from unionhub.activities import boards, draws, loaders, quizzes, reading, steps
from unionhub.activities.leaderboards import Board, Entry
from unionhub.activities.models import Activity, ActivityKind, Enrollment, QuizAttempt, ReadingRecord, StepRecord
from unionhub.errors import NotAuthenticated
from unionhub.identity.access import require_authenticated
from unionhub.identity.lookup import MemberRecord


async def signed_in(info: strawberry.Info) -> MemberRecord:
    require_authenticated(info.context.principal)
    record = await info.context.caller_record()
    if record is None:
        raise NotAuthenticated("sign in again")
    return record


async def load_activity(info: strawberry.Info, activity_id: int) -> Activity:
    return await info.context.loader("activities.by_id", loaders.activities_by_id).load(activity_id)


async def my_enrollment(info: strawberry.Info, row: Activity) -> Enrollment | None:
    member_id = require_authenticated(info.context.principal)
    return await info.context.loader("activities.mine", loaders.enrollments_of(member_id)).load(row.id)


async def my_place(info: strawberry.Info, row: Activity, by: Board) -> Entry | None:
    record = await signed_in(info)
    union_id = record.union_id
    if by == Board.UNION and boards.ranks_unions_for_members(row):  # the union enrolled with
        mine = await my_enrollment(info, row)
        union_id = mine.union_id if mine else record.union_id
    return await boards.place_of(row, by, record.id, union_id)


async def my_steps(info: strawberry.Info, row: Activity) -> list[StepRecord]:
    member_id = require_authenticated(info.context.principal)
    return await steps.member_steps(row.id, member_id)


async def my_readings(info: strawberry.Info, row: Activity) -> list[ReadingRecord]:
    member_id = require_authenticated(info.context.principal)
    return await reading.member_readings(row.id, member_id)


async def my_streak(info: strawberry.Info, row: Activity) -> int | None:
    member_id = require_authenticated(info.context.principal)
    if row.kind != ActivityKind.READING:
        return None
    return await reading.member_streak(row.id, member_id)


async def my_quiz_result(info: strawberry.Info, row: Activity) -> tuple[QuizAttempt, int] | None:
    member_id = require_authenticated(info.context.principal)
    attempt = await quizzes.best_attempt(row.id, member_id)
    if attempt is None:
        return None
    return attempt, await quizzes.rank_of(row, attempt)


async def draw_winner_ids(activity_id: int, drawn: bool) -> list[int]:
    return await draws.winners_of(activity_id) if drawn else []


async def draw_verified(activity_id: int) -> bool:
    return await draws.verified(activity_id)
