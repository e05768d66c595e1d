"""Activity figures for the cockpit: participation per activity kind in a union's subtree and
period, one aggregate query for many subtrees (each a prefix scan of the indexed
`unions.path`), never rows loaded into Python.

An enrolment counts for the subtree of the union the member belonged to when enrolling
(`activity_enrollments.union_id`, the union they walk for), in the period it was made; an
activity counts as held by a subtree when its organiser is in it and its window meets the
period."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from unionhub.activities.models import Activity, ActivityKind
from unionhub.db import conn, is_postgres
from unionhub.subtree_sql import in_subtree


@dataclass(frozen=True, slots=True)
class KindFigures:
    kind: ActivityKind
    activities: int = 0  # organised in the subtree, window meeting the period
    enrolments: int = 0  # made in the period by members of the subtree
    participants: int = 0  # distinct members among those enrolments


def _marks(count: int) -> list[str]:
    if is_postgres():
        return [f"${i}" for i in range(1, count + 1)]
    return [f"?{i}" for i in range(1, count + 1)]


async def participation(paths: list[str], start: datetime, end: datetime,
                        ) -> dict[str, dict[ActivityKind, KindFigures]]:
    """For each union path, per activity kind: activities held, enrolments and participants
    in [start, end). Two queries for every path together."""
    if not paths:
        return {}
    marks = _marks(len(paths) + 2)
    cast = "::varchar" if is_postgres() else ""
    values = ", ".join(f"({m}{cast})" for m in marks[:-2])
    begin, finish = marks[-2], marks[-1]
    # Only placeholders are interpolated; every value is bound.
    enrolled = await conn().execute_query_dict(
        f"WITH p(path) AS (VALUES {values}) "  # noqa: S608
        "SELECT p.path AS path, a.kind AS kind, COUNT(e.id) AS n, "
        "COUNT(DISTINCT e.member_id) AS members FROM p "
        f"JOIN unions u ON {in_subtree('u.path', 'p.path')} "
        "JOIN activity_enrollments e ON e.union_id = u.id "
        "JOIN activities a ON a.id = e.activity_id "
        f"WHERE e.enrolled_at >= {begin} AND e.enrolled_at < {finish} "
        "GROUP BY p.path, a.kind", [*paths, start, end])
    held = await conn().execute_query_dict(
        f"WITH p(path) AS (VALUES {values}) "  # noqa: S608
        "SELECT p.path AS path, a.kind AS kind, COUNT(a.id) AS n FROM p "
        f"JOIN activities a ON {in_subtree('a.scope_path', 'p.path')} "
        f"WHERE a.starts_at < {finish} AND a.ends_at > {begin} "
        "GROUP BY p.path, a.kind", [*paths, start, end])
    counts: dict[str, dict[ActivityKind, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0, 0]))
    for row in held:
        counts[row["path"]][ActivityKind(row["kind"])][0] = int(row["n"])
    for row in enrolled:
        cell = counts[row["path"]][ActivityKind(row["kind"])]
        cell[1], cell[2] = int(row["n"]), int(row["members"])
    return {path: {kind: KindFigures(kind, *counts[path][kind]) for kind in ActivityKind}
            for path in paths}


async def top_activities(path: str, start: datetime, end: datetime, first: int,
                         ) -> list[Activity]:
    """The subtree's activities whose window meets the period, most enrolled first: the
    activities whose leaderboards the cockpit shows."""
    return await (Activity.filter(scope_path__startswith=path, starts_at__lt=end,
                                  ends_at__gt=start)
                  .order_by("-enrolled_count", "id").limit(first))
