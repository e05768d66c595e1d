"""The membership figures of every union's subtree, kept in a summary the cockpit and the
scorecards read by index (`member_figures`, migration 0021) instead of counting `members`.

`refresh()` (the periodic job `identity.refresh_member_figures`) rebuilds it in one
transaction: one GROUP BY over members and their active cards gives each union's own net
changes per Shanghai month, then each tree depth, deepest first, is added into its parent's
rows. Readers see the previous summary until it commits. The figures are exact as of the run
(`as_of()`): for a cutoff at a month boundary before it, they equal the direct counts
(`identity.stats` docstrings; tests compare them with the direct COUNT queries), and for a
later cutoff (now) they are the counts as of the run. Verified members and active cards use
the cards' status at the run, as the direct count uses it now."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from unionhub.clock import SHANGHAI, utcnow
from unionhub.db import conn, is_postgres
from unionhub.identity.models import CardStatus

log = logging.getLogger(__name__)
REFRESH_EVERY_SECONDS = 5 * 60
# Its tables, which have no Tortoise model (made by identity migration 0021's SQL).
TABLES = ("member_figures", "member_figures_runs")
_RUN_ID = 1
_SLASHES = "(length(u.path) - length(replace(u.path, '/', '')))"


def month_bound(before: datetime) -> str:
    """The Shanghai month label L such that events before `before` are those of months < L,
    exactly when `before` is a month's start; otherwise the months up to `before`'s own."""
    local = before.astimezone(SHANGHAI)
    index = local.year * 12 + local.month - 1
    if (local.day, local.hour, local.minute, local.second, local.microsecond) != (1, 0, 0, 0, 0):
        index += 1
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _month(column: str) -> str:
    if is_postgres():
        return f"to_char({column} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"
    return f"strftime('%Y-%m', {column}, '+8 hours')"


def _own_rows_sql() -> str:
    """Each union's own net changes per month as of $1 ($2: the active card status)."""
    pg = is_postgres()
    a, active = ("$1", "$2") if pg else ("?1", "?2")
    later = "GREATEST" if pg else "max"
    created, closed = _month("m.created_at"), _month("m.closed_at")
    verified = f"{later}({_month('m.verified_at')}, {created})"
    card = f"JOIN member_cards c ON c.member_id = m.id AND c.status = {active}"
    valid = "(m.closed_at IS NULL OR m.closed_at >= m.created_at)"
    seen = (f"m.verified_at < {a} AND m.created_at < {a} AND (m.closed_at IS NULL OR "
            "(m.closed_at >= m.verified_at AND m.closed_at >= m.created_at))")
    # Only fixed SQL and placeholders are interpolated; every value is bound.
    return (
        "INSERT INTO member_figures (union_id, month, registered, verified, active_cards) "  # noqa: S608
        "SELECT union_id, month, SUM(r), SUM(v), SUM(c) FROM ("
        f"SELECT m.union_id, {created} AS month, 1 AS r, 0 AS v, 0 AS c FROM members m "
        f"WHERE m.created_at < {a} AND {valid} UNION ALL "
        f"SELECT m.union_id, {closed}, -1, 0, 0 FROM members m "
        f"WHERE m.closed_at < {a} AND m.closed_at >= m.created_at UNION ALL "
        f"SELECT m.union_id, {verified}, 0, 1, 0 FROM members m {card} WHERE {seen} UNION ALL "
        f"SELECT m.union_id, {closed}, 0, -1, 0 FROM members m {card} "
        f"WHERE {seen} AND m.closed_at < {a} UNION ALL "
        f"SELECT m.union_id, {created}, 0, 0, 1 FROM members m {card}"
        ") e GROUP BY union_id, month"
    )


def _roll_up_sql() -> str:
    """Adds the rows of the unions at one depth ($1: slashes in their path) to their
    parents' (already holding the parents' own)."""
    depth = "$1" if is_postgres() else "?1"
    sets = ", ".join(f"{c} = member_figures.{c} + excluded.{c}"
                     for c in ("registered", "verified", "active_cards"))
    return (
        "INSERT INTO member_figures (union_id, month, registered, verified, active_cards) "  # noqa: S608
        "SELECT u.parent_id, f.month, SUM(f.registered), SUM(f.verified), "
        "SUM(f.active_cards) FROM member_figures f JOIN unions u ON u.id = f.union_id "
        f"WHERE u.parent_id IS NOT NULL AND {_SLASHES} = {depth} "
        f"GROUP BY u.parent_id, f.month ON CONFLICT (union_id, month) DO UPDATE SET {sets}"
    )


async def refresh(now: datetime | None = None) -> datetime:
    """Rebuilds the summary as of `now` (default: the clock); returns that time. Safe on
    several workers at once: on PostgreSQL a run that finds another under way skips."""
    as_of = now or utcnow()
    started = time.monotonic()
    async with in_transaction() as tx:
        if is_postgres():
            rows = await tx.execute_query_dict(
                "SELECT pg_try_advisory_xact_lock(hashtext('member_figures')) AS got")
            if not rows[0]["got"]:
                return as_of
        await tx.execute_query("DELETE FROM member_figures")
        await tx.execute_query(_own_rows_sql(), [as_of, CardStatus.ACTIVE.value])
        rows = await tx.execute_query_dict(
            f"SELECT MAX({_SLASHES}) AS deepest FROM unions u")  # noqa: S608
        deepest = int(rows[0]["deepest"] or 0)
        for slashes in range(deepest, 2, -1):  # "/1/" has 2: the roots have no parent
            await tx.execute_query(_roll_up_sql(), [slashes])
        took = int((time.monotonic() - started) * 1000)
        marks = "$1, $2, $3" if is_postgres() else "?1, ?2, ?3"
        await tx.execute_query("DELETE FROM member_figures_runs")
        await tx.execute_query(
            f"INSERT INTO member_figures_runs (id, as_of, took_ms) VALUES ({marks})",  # noqa: S608
            [_RUN_ID, as_of.astimezone(UTC).isoformat(), took])
    log.info("member figures rebuilt as of %s in %d ms", as_of.isoformat(), took)
    return as_of


async def as_of() -> datetime | None:
    """When the figures were counted (None: never yet)."""
    rows = await conn().execute_query_dict("SELECT as_of FROM member_figures_runs")
    return datetime.fromisoformat(rows[0]["as_of"]) if rows else None
