"""The direct COUNT queries the cockpit and the scorecards ran before the summary
(`identity.member_figures`): a scan of the subtree's members and their cards. Kept as the
reference the summary's figures must equal."""

from __future__ import annotations

from datetime import datetime

from unionhub.db import conn, is_postgres
from unionhub.identity.models import CardStatus
from unionhub.subtree_sql import in_subtree


def _marks(count: int) -> list[str]:
    return [f"${i}" if is_postgres() else f"?{i}" for i in range(1, count + 1)]


async def direct_member_counts(paths: list[str], before: datetime,
                               ) -> dict[str, tuple[int, int]]:
    marks = _marks(len(paths) + 2)
    cast = "::varchar" if is_postgres() else ""
    values = ", ".join(f"({m}{cast})" for m in marks[:-2])
    status_mark, before_mark = marks[-2], marks[-1]
    sql = (
        f"WITH p(path) AS (VALUES {values}) "
        "SELECT p.path AS path, COUNT(m.id) AS registered, "
        f"SUM(CASE WHEN m.verified_at IS NOT NULL AND m.verified_at < {before_mark} "
        "AND EXISTS (SELECT 1 FROM member_cards c WHERE c.member_id = m.id "
        f"AND c.status = {status_mark}) THEN 1 ELSE 0 END) AS verified FROM p "
        f"JOIN unions u ON {in_subtree('u.path', 'p.path')} "
        "JOIN members m ON m.union_id = u.id "
        f"WHERE m.created_at < {before_mark} "
        f"AND (m.closed_at IS NULL OR m.closed_at >= {before_mark}) "
        "GROUP BY p.path"
    )
    rows = await conn().execute_query_dict(sql, [*paths, CardStatus.ACTIVE.value, before])
    found = {row["path"]: (int(row["registered"]), int(row["verified"] or 0)) for row in rows}
    return {p: found.get(p, (0, 0)) for p in paths}


async def direct_active_cards(paths: list[str]) -> dict[str, int]:
    marks = _marks(len(paths) + 1)
    cast = "::varchar" if is_postgres() else ""
    values = ", ".join(f"({m}{cast})" for m in marks[:-1])
    sql = (
        f"WITH p(path) AS (VALUES {values}) SELECT p.path AS path, "
        "(SELECT COUNT(*) FROM unions u JOIN members m ON m.union_id = u.id "
        f"JOIN member_cards c ON c.member_id = m.id WHERE {in_subtree('u.path', 'p.path')} "
        f"AND c.status = {marks[-1]}) AS cards FROM p"
    )
    rows = await conn().execute_query_dict(sql, [*paths, CardStatus.ACTIVE.value])
    return {row["path"]: int(row["cards"]) for row in rows}
