"""Activities' paged lists (Relay connections): a member's enrolments, a union's activities,
and the leaderboards. The plain lists they replace stay, deprecated, in
resolvers/activities.py."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from unionhub.activities import (
    board_pages,
    board_rows,
    boards,
    enrolment,
    leaderboards,
    quizzes,
)
from unionhub.activities.activities import get_visible_board, organised_by
from unionhub.activities.leaderboards import Board
from unionhub.activities.models import DAILY_COUNT_KINDS as DAILY_COUNT
from unionhub.activities.models import Activity as ActivityRow
from unionhub.activities.models import ActivityKind
from unionhub.errors import ValidationFailed
from unionhub.identity.access import path_in_scope
from unionhub.identity.lookup import (
    RECORD_KEY_PREFIX,
    MemberRecord,
    get_records,
    record_key,
    records_from,
)
from unionhub.resolvers.activities import _id
from unionhub.schema.activities_types import (
    Activity,
    Enrollment,
    LeaderboardEntry,
    leaderboard_entry,
)
from unionhub.schema.relay import (
    After,
    Connection,
    First,
    PageInfo,
    connection,
    decode_cursor,
    empty_connection,
    encode_cursor,
    keyset_page,
    list_page,
    page_size,
    preceding,
    row_key,
)


async def member_enrollments(info: strawberry.Info, member_id: int, first: int | None,
                             after: str | None, last: int | None = None,
                             before: str | None = None) -> Connection[Enrollment] | None:
    """The member and cadres whose scope holds the member; null for anyone else."""
    principal = info.context.principal
    qs = enrolment.enrollments_of(member_id)
    if principal.member_id != member_id:
        record = await info.context.members.load(member_id)
        if record is None or not path_in_scope(principal, record.union_path):
            return None
        # A cadre: the enrolments in activities in the cadre's view only.
        qs = enrolment.enrollments_of(member_id, principal, await info.context.caller_record())
    rows, page = await keyset_page(qs, first, after,
                                   newest_first=True, last=last, before=before)
    return connection([Enrollment(row=e) for e in rows], [e.id for e in rows], page)


async def union_activities(info: strawberry.Info, union_id: int, first: int | None,
                           after: str | None, last: int | None = None,
                           before: str | None = None) -> Connection[Activity]:
    qs = organised_by(info.context.principal, await info.context.caller_record(), union_id)
    if qs is None:
        return empty_connection(first, last)
    rows, page = await keyset_page(qs, first, after, newest_first=True, last=last,
                                   before=before)
    return connection([Activity(row=a) for a in rows], [a.id for a in rows], page)


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed("cursor is not valid", field="after", code="BAD_CURSOR")


async def leaderboard_connection(info: strawberry.Info,
                                 activity_id: Annotated[strawberry.ID, strawberry.argument(
                                     description="The activity (it must be visible to the "
                                                 "caller).")],
                                 by: Annotated[Board, strawberry.argument(
                                     description="MEMBER ranks members, UNION ranks unions.")],
                                 first: First = None,
                                 after: After = None) -> Connection[LeaderboardEntry]:
    activity = _id(activity_id, "activityId")
    tried = await _page_with_caller(info, activity, by, first, after)
    row = await get_visible_board(activity, info.context.principal,
                                  await info.context.caller_record())
    size = page_size(first)
    if row.kind in DAILY_COUNT:
        return await _live_board(info, row, by, size, after, tried)
    if row.kind == ActivityKind.QUIZ and by == Board.MEMBER:
        return await _quiz_members(info, row, size, after)
    if row.kind == ActivityKind.QUIZ:
        entries = await boards.quiz_unions(row, None)
        return _in_memory(info, by, entries, size, after)
    return empty_connection(first)


async def _page_with_caller(info: strawberry.Info, activity_id: int, by: Board,
                            first: int | None, after: str | None) -> list[Any] | None:
    """The member board's page script run before the caller's visibility check, with the
    caller's cached record in the same round trip (so the screen makes one): only when this
    process holds the activity's row and nothing in the request could be refused before that
    check (a size or cursor refused there would tell an existing activity from a missing one).
    The script only reads; the page is used once `get_visible_board` let the caller see it
    (the record it read primes the request's loader for that check)."""
    member_id = info.context.principal.member_id
    row = board_rows.rows.cached(activity_id)
    if member_id is None or by != Board.MEMBER or row is None or row.kind not in DAILY_COUNT:
        return None
    try:
        size = page_size(first)
        key = decode_cursor(after)[0] if after else None
    except ValidationFailed:
        return None
    found = await board_pages.try_page(row, by, key, size, RECORD_KEY_PREFIX,
                                        record_key(member_id))
    if found is not None and len(found) > 6 and found[6]:
        info.context.members.prime(member_id, MemberRecord.from_json(found[6]))
    return found


async def _live_board(info: strawberry.Info, row: ActivityRow, by: Board, size: int,
                      after: str | None,
                      tried: list[Any] | None = None) -> Connection[LeaderboardEntry]:
    key = decode_cursor(after)[0] if after else None
    # The member board's page reads its members' cached records in the same round trip.
    prefix = RECORD_KEY_PREFIX if by == Board.MEMBER else ""
    try:
        found = await board_pages.page(row, by, key, size, prefix, tried)
    except LookupError:
        raise _bad_cursor() from None
    if found is None:  # Redis down: rank the database snapshot, as `leaderboard` does
        members, unions = await leaderboards.snapshot(row)
        ranked = leaderboards.ranked(list((members if by == Board.MEMBER else unions).items()))
        return _in_memory(info, by, ranked, size, after)
    entries, more, total, raw = found

    async def count() -> int:
        return total

    info_ = PageInfo(has_next_page=more, has_previous_page=after is not None,
                     start_cursor=encode_cursor(entries[0].key) if entries else None,
                     end_cursor=encode_cursor(entries[-1].key) if entries else None)
    # The members' records now (the screen shows every name), read by the page's script (else
    # one MGET): their fields then answer synchronously. Straight from the record cache, not
    # through the DataLoader: twenty loads there cost more Python than the MGET itself, and
    # nothing else here reads them.
    recs: list[MemberRecord | None] = [None] * len(entries)
    if by == Board.MEMBER and entries:
        ids = [e.key for e in entries]
        records = await (records_from(ids, raw) if raw is not None else get_records(ids))
        recs = [records.get(e.key) for e in entries]
    return connection([leaderboard_entry(info, by, e, r) for e, r in zip(entries, recs, strict=True)],
                      [e.key for e in entries], info_, count)


async def _quiz_members(info: strawberry.Info, row: ActivityRow, size: int,
                        after: str | None) -> Connection[LeaderboardEntry]:
    order = quizzes.RANKING_ORDER
    qs = quizzes.ranking_rows(row)
    rows, page = await keyset_page(qs, size, after, order=order)
    ranks = []
    if rows:
        first_key = row_key(rows[0], order)
        assert isinstance(first_key, tuple)  # RANKING_ORDER has several columns
        position = await qs.filter(preceding(order, first_key)).count()
        ranks = quizzes.page_ranks(await quizzes.rank_of(row, rows[0]), rows, position)
    return connection([leaderboard_entry(info, Board.MEMBER, leaderboards.Entry(rank, score, key))
                       for rank, score, key in ranks],
                      [row_key(a, order) for a in rows], page)


def _in_memory(info: strawberry.Info, by: Board, entries: list[leaderboards.Entry],
               size: int, after: str | None) -> Connection[LeaderboardEntry]:
    return list_page([leaderboard_entry(info, by, e) for e in entries],
                     [e.key for e in entries], size, after)
