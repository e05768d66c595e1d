"""Counts over identity's tables for other domains' reports (scorecards, the cockpit): one
aggregate query, never rows loaded into Python; the member and card counts read the summary
`identity.member_figures` keeps, never `members` itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from unionhub.db import conn, is_postgres
from unionhub.identity.member_figures import month_bound
from unionhub.identity.models import Member, ReviewStatus
from unionhub.subtree_sql import in_subtree


def _placeholders(start: int, count: int) -> list[str]:
    if is_postgres():
        return [f"${i}" for i in range(start, start + count)]
    return [f"?{i}" for i in range(start, start + count)]  # numbered: a mark may repeat


@dataclass(frozen=True, slots=True)
class MemberCounts:
    registered: int
    verified: int


async def member_counts(paths: list[str], before: datetime) -> dict[str, MemberCounts]:
    """For each union path, the members of that union's subtree as of `before` (a UTC
    datetime), each counted by the date of its event: registered (the account's `created_at`,
    and not closed by then) and real-name verified (`verified_at`, with an active card). Read
    from the summary (`identity.member_figures`): exact for a month's start up to its last
    run, and as of that run (`member_figures.as_of()`) for later cutoffs. Paths absent from
    the answer have none. One query: per path, one index range read of its union's rows."""
    if not paths:
        return {}
    marks = _placeholders(1, len(paths) + 1)
    cast = "::varchar" if is_postgres() else ""
    values = ", ".join(f"({m}{cast})" for m in marks[:-1])
    # Only placeholders are interpolated; every value is bound.
    sql = (
        f"WITH p(path) AS (VALUES {values}) "  # noqa: S608
        "SELECT p.path AS path, SUM(f.registered) AS registered, SUM(f.verified) AS verified "
        "FROM p JOIN unions u ON u.path = p.path JOIN member_figures f ON f.union_id = u.id "
        f"AND f.month < {marks[-1]} GROUP BY p.path"
    )
    rows = await conn().execute_query_dict(sql, [*paths, month_bound(before)])
    return {row["path"]: MemberCounts(int(row["registered"]), int(row["verified"] or 0))
            for row in rows}


async def overdue_application_counts(paths: list[str], start: datetime, end: datetime,
                                     ) -> dict[str, int]:
    """For each union path, the join applications of that union's subtree whose due date fell
    in [start, end) and that were not reviewed by it: counted by the date they went overdue,
    whether or not they have been reviewed since (or the escalation job has run). One query."""
    if not paths:
        return {}
    marks = _placeholders(1, len(paths) + 2)
    cast = "::varchar" if is_postgres() else ""
    values = ", ".join(f"({m}{cast})" for m in marks[:-2])
    start_mark, end_mark = marks[-2], marks[-1]
    # Only placeholders are interpolated; every value is bound.
    sql = (
        f"WITH p(path) AS (VALUES {values}) "  # noqa: S608
        "SELECT p.path AS path, COUNT(a.id) AS n FROM p "
        f"JOIN unions u ON {in_subtree('u.path', 'p.path')} "
        "JOIN join_applications a ON a.union_id = u.id "
        f"WHERE a.due_at >= {start_mark} AND a.due_at < {end_mark} "
        "AND (a.reviewed_at IS NULL OR a.reviewed_at > a.due_at) "
        "GROUP BY p.path"
    )
    rows = await conn().execute_query_dict(sql, [*paths, start, end])
    return {row["path"]: int(row["n"]) for row in rows}


async def verified_member_ids(union_id: int, limit: int) -> list[int]:
    """Up to `limit` real-name verified members of one union, oldest accounts first (demo
    data of other domains picks its actors here)."""
    # cast: Tortoise types values_list(flat=True) as a list of tuples
    return cast(list[int], await Member.filter(union_id=union_id, verified_at__isnull=False)
                .order_by("id").limit(limit).values_list("id", flat=True))


async def cadre_ids(org_id: int) -> list[int]:
    """The cadres who work at one org."""
    from unionhub.identity.models import Role

    return cast(list[int], await Member.filter(cadre_org_id=org_id, role=Role.CADRE)
                .order_by("id").values_list("id", flat=True))


@dataclass(frozen=True, slots=True)
class QueueCounts:
    """A subtree's membership figures as they stand now (the cockpit's queue figures)."""
    active_cards: int = 0
    applications_pending: int = 0
    applications_overdue: int = 0  # pending and escalated past due, as joinApplications(overdue)
    transfers_pending: int = 0  # incoming, as transfers(direction: IN)


async def queue_counts(paths: list[str]) -> dict[str, QueueCounts]:
    """For each union path, its subtree's active cards (from the summary, as of its last run:
    `identity.member_figures`), pending and overdue join applications and pending incoming
    transfers, now. One query: a prefix scan of `unions.path` per path, each count a
    correlated aggregate over that subtree's unions (the cards: one index read)."""
    if not paths:
        return {}
    marks = _placeholders(1, len(paths) + 1)
    cast = "::varchar" if is_postgres() else ""
    values = ", ".join(f"({m}{cast})" for m in marks[:-1])
    pending = marks[-1]
    # Only placeholders are interpolated; every value is bound.
    sql = (
        f"WITH p(path) AS (VALUES {values}) "  # noqa: S608
        "SELECT p.path AS path, "
        "(SELECT SUM(f.active_cards) FROM unions u JOIN member_figures f ON f.union_id = u.id "
        "WHERE u.path = p.path) AS cards, "
        "(SELECT COUNT(*) FROM unions u JOIN join_applications a ON a.union_id = u.id "
        f"WHERE {in_subtree('u.path', 'p.path')} AND a.status = {pending}) AS apps, "
        "(SELECT COUNT(*) FROM unions u JOIN join_applications a ON a.union_id = u.id "
        f"WHERE {in_subtree('u.path', 'p.path')} AND a.status = {pending} "
        "AND a.escalated_at IS NOT NULL) AS overdue, "
        "(SELECT COUNT(*) FROM unions u JOIN transfer_requests t ON t.to_union_id = u.id "
        f"WHERE {in_subtree('u.path', 'p.path')} AND t.status = {pending}) AS transfers FROM p"
    )
    rows = await conn().execute_query_dict(
        sql, [*paths, ReviewStatus.PENDING.value])
    return {row["path"]: QueueCounts(int(row["cards"] or 0), int(row["apps"]),
                                     int(row["overdue"]), int(row["transfers"]))
            for row in rows}
