"""Content figures for other domains' reports (the services scorecards): articles published and
their reads, per union subtree and month, one aggregate query per tree depth.

An article counts for the union that published it and every union above it (the org_dN
columns). Published means published in the month and not withdrawn since: an article taken
back does not count towards a ranking. Reads count by the Shanghai day they happened (as
flushed; see content.reads), for the articles of the subtree whenever they were published.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from unionhub.content.articles import path_ids
from unionhub.content.models import ArticleStatus
from unionhub.db import conn, is_postgres


@dataclass(frozen=True, slots=True)
class ContentFigures:
    articles_published: int = 0
    article_reads: int = 0


def _marks(count: int) -> list[str]:
    if is_postgres():
        return [f"${i}" for i in range(1, count + 1)]
    return [f"?{i}" for i in range(1, count + 1)]


def _by_depth(paths: dict[int, str]) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = defaultdict(list)
    for union_id, path in paths.items():
        groups[len(path_ids(path)) - 1].append(union_id)
    return groups


async def content_figures(paths: dict[int, str], start: datetime, end: datetime,
                          first_day: date, end_day: date) -> dict[int, ContentFigures]:
    """For each union id (with its path): articles published in [start, end) and reads on
    days in [first_day, end_day)."""
    published: dict[int, int] = {}
    reads: dict[int, int] = {}
    for depth, ids in _by_depth(paths).items():
        column = f"org_d{depth}"  # from a fixed set, never from input
        marks = _marks(len(ids) + 3)
        in_ids = ", ".join(marks[:len(ids)])
        status, begin, finish = marks[len(ids):]
        # A fixed column name and placeholders are interpolated; every value is bound.
        rows = await conn().execute_query_dict(
            f"SELECT {column} AS org, COUNT(*) AS n FROM content_articles "  # noqa: S608
            f"WHERE {column} IN ({in_ids}) AND status = {status} "
            f"AND published_at >= {begin} AND published_at < {finish} GROUP BY {column}",
            [*ids, ArticleStatus.PUBLISHED.value, start, end])
        published.update({int(r["org"]): int(r["n"]) for r in rows})
        day_marks = _marks(len(ids) + 2)
        rows = await conn().execute_query_dict(
            f"SELECT a.{column} AS org, SUM(r.reads) AS n FROM content_article_read_days r "  # noqa: S608
            f"JOIN content_articles a ON a.id = r.article_id "
            f"WHERE a.{column} IN ({', '.join(day_marks[:len(ids)])}) "
            f"AND r.day >= {day_marks[-2]} AND r.day < {day_marks[-1]} GROUP BY a.{column}",
            [*ids, first_day, end_day])
        reads.update({int(r["org"]): int(r["n"] or 0) for r in rows})
    return {uid: ContentFigures(published.get(uid, 0), reads.get(uid, 0)) for uid in paths}
