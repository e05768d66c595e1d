"""Scorecards and rankings: for an org and a month, what it received, finished, finished on
time and how members rated it, plus its registered and verified members (as of the month's
end, each by the date of its event: registration, verification) and the content it published
and had read (content.stats: Hebei ranks cities on all five of 发稿量, 阅读量, 认证会员数,
业务申请数, 业务办结数).

Requests count for the org whose subtree handled them (the offering org and everything below
it), by the month they were submitted (Asia/Shanghai). Each figure comes from one aggregate
query per tree depth, grouped on the indexed ancestor column (org_dN), so a province ranking
its cities reads index ranges, not rows. Completed and on-time figures are of that month's
requests, whenever they were finished: the rate settles as late work is done.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from unionhub.clock import SHANGHAI, utcnow
from unionhub.content.stats import content_figures
from unionhub.db import conn, is_postgres
from unionhub.db_replicas import replica_read
from unionhub.errors import NotFound, ValidationFailed
from unionhub.identity import orgs
from unionhub.identity.access import Principal, require_scope
from unionhub.identity.models import Union
from unionhub.identity.stats import MemberCounts, member_counts, overdue_application_counts
from unionhub.row_cache import RowCache
from unionhub.services.models import RequestStatus
from unionhub.services.orgpath import depth_of

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
_NO_MEMBERS = MemberCounts(registered=0, verified=0)
RATE_DECIMALS = 4  # the on-time rate as served (unionScorecard, the cockpit)


@dataclass(frozen=True, slots=True)
class Scorecard:
    union_id: int
    period: str
    verified_members: int
    requests_received: int
    requests_completed: int
    completed_on_time: int
    mean_rating: float | None
    articles_published: int = 0
    article_reads: int = 0
    registered_members: int = 0
    overdue_applications: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """Completed on time ÷ completed; None before anything is completed."""
        if not self.requests_completed:
            return None
        return self.completed_on_time / self.requests_completed


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """"2026-11" → the month's start and end in Shanghai, as UTC datetimes."""
    match = _PERIOD.match(period.strip())
    month = int(match.group(2)) if match else 0
    if not match or not 1 <= month <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        raise ValidationFailed("period is a month like 2026-11", field="period",
                               code="BAD_PERIOD")
    year = int(match.group(1))
    start = datetime(year, month, 1, tzinfo=SHANGHAI)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=SHANGHAI)
    return start.astimezone(UTC), end.astimezone(UTC)


def _marks(count: int, start: int = 1) -> list[str]:
    if is_postgres():
        return [f"${i}" for i in range(start, start + count)]
    return [f"?{i}" for i in range(start, start + count)]  # numbered: a mark may repeat


async def _request_figures(unions: list[Union], start: datetime, end: datetime,
                           ) -> dict[int, dict[str, float | int | None]]:
    by_depth: dict[int, list[int]] = defaultdict(list)
    for union in unions:
        by_depth[depth_of(union.path)].append(union.id)
    figures: dict[int, dict[str, float | int | None]] = {}
    for depth, ids in by_depth.items():
        column = f"org_d{depth}"  # from a small fixed set, never from input
        marks = _marks(len(ids) + 3)
        completed, begin, finish = marks[len(ids):]
        # A fixed column name and placeholders are interpolated; every value is bound.
        sql = (
            f"SELECT {column} AS org, COUNT(*) AS received, "  # noqa: S608
            f"SUM(CASE WHEN status = {completed} THEN 1 ELSE 0 END) AS completed, "
            f"SUM(CASE WHEN status = {completed} AND completed_at <= deadline THEN 1 ELSE 0 END)"
            " AS on_time, AVG(rating * 1.0) AS mean_rating "
            f"FROM service_requests WHERE {column} IN ({', '.join(marks[:len(ids)])}) "
            f"AND submitted_at >= {begin} AND submitted_at < {finish} GROUP BY {column}"
        )
        rows = await conn().execute_query_dict(
            sql, [*ids, RequestStatus.COMPLETED.value, start, end])
        for row in rows:
            figures[int(row["org"])] = row
    return figures


@replica_read
async def scorecards(unions: list[Union], period: str) -> dict[int, Scorecard]:
    """Scorecards of many unions for one month: one query per tree depth, plus one for the
    registered and verified members and one for the overdue join applications."""
    start, end = period_bounds(period)
    return await scorecards_between(unions, period, start, end)


async def scorecards_between(unions: list[Union], period: str, start: datetime, end: datetime,
                             *, count_members: bool = True) -> dict[int, Scorecard]:
    """The same for any run of whole months [start, end) (the cockpit's ranges), `period`
    naming it; members are counted as of its end, unless `count_members` is False (the
    cockpit's services section, whose members its membership section counts): then the
    cards' member figures read 0."""
    figures = await _request_figures(unions, start, end)
    cutoff = min(end, utcnow())
    paths = [u.path for u in unions]
    members = await member_counts(paths, cutoff) if count_members else {}
    overdue = await overdue_application_counts(paths, start, cutoff)
    content = await content_figures({u.id: u.path for u in unions}, start, end,
                                    start.astimezone(SHANGHAI).date(),
                                    end.astimezone(SHANGHAI).date())
    cards = {}
    for union in unions:
        row = figures.get(union.id, {})
        mean = row.get("mean_rating")
        cards[union.id] = Scorecard(
            union_id=union.id, period=period,
            verified_members=members.get(union.path, _NO_MEMBERS).verified,
            registered_members=members.get(union.path, _NO_MEMBERS).registered,
            overdue_applications=overdue.get(union.path, 0),
            requests_received=int(row.get("received") or 0),
            requests_completed=int(row.get("completed") or 0),
            completed_on_time=int(row.get("on_time") or 0),
            mean_rating=None if mean is None else round(float(mean), 4),
            articles_published=content[union.id].articles_published,
            article_reads=content[union.id].article_reads,
        )
    return cards


async def union_scorecard(principal: Principal, union_id: int, period: str) -> Scorecard:
    union = await orgs.get_union(union_id)
    require_scope(principal, union.path)
    return (await scorecards([union], period))[union.id]


def _rank_key(card: Scorecard) -> tuple[Any, ...]:
    """Best first: the on-time rate as served (RATE_DECIMALS: two unions showing the same rate
    are not ordered by hidden digits), then volume completed, then rating; unions with nothing
    completed come last; the id keeps the order stable."""
    rate = None if card.on_time_rate is None else round(card.on_time_rate, RATE_DECIMALS)
    return (rate is None, -(rate or 0.0), -card.requests_completed,
            -(card.mean_rating or 0.0), card.union_id)


# A ranking tolerates a little lag (monthly figures; docs/frontend.md): each process keeps a
# parent's ranking for a period this long, so the cadres' ranking screen is not five aggregate
# queries a view. Keyed by (parent, period) only: what may be read is decided per request,
# before the cache is consulted, and everyone allowed to read a parent's ranking reads the same
# figures. Frozen Scorecards, shared read-only. Bounded: past the bound, stale entries go first,
# then the oldest.
RANKING_CACHE_TTL_SECONDS = 30.0


async def _rank(keys: list[tuple[int, str]]) -> dict[tuple[int, str], list[Scorecard]]:
    found = {}
    for parent_id, period in keys:
        children = [c for c in await orgs.children(parent_id) if not c.is_holding_pool]
        found[(parent_id, period)] = sorted((await scorecards(children, period)).values(),
                                            key=_rank_key)
    return found


# By (parent, period), the same for every cadre who may read the parent (scope checked first).
rankings: RowCache[tuple[int, str], list[Scorecard]] = RowCache(
    "services.rankings", RANKING_CACHE_TTL_SECONDS, _rank, max_rows=2048)


def forget_rankings() -> None:
    """Drop this process's cached rankings (tests; a correction that must show at once)."""
    rankings.clear()


async def union_ranking(principal: Principal, parent_id: int, period: str) -> list[Scorecard]:
    """The children of `parent_id`, best first; figures up to RANKING_CACHE_TTL_SECONDS old."""
    parent = (await orgs.unions_by_ids([parent_id])).get(parent_id)  # paths never move
    if parent is None:
        raise NotFound("union not found", field="unionId")
    require_scope(principal, parent.path)
    period_bounds(period)  # BAD_PERIOD before the cache, as without it
    key = (parent.id, period)
    return list((await rankings.get_many([key]))[key])


async def queue_counts(unions: list[Union], now: datetime | None = None,
                       ) -> dict[int, tuple[int, int]]:
    """For each union, its subtree's requests open past their deadline now and its requests
    ever escalated: the counts of serviceRequests(overdue: true) and (escalated: true). One
    query per tree depth on the indexed ancestor column."""
    from unionhub.services.models import OPEN_STATUSES

    by_depth: dict[int, list[int]] = defaultdict(list)
    for union in unions:
        by_depth[depth_of(union.path)].append(union.id)
    found: dict[int, tuple[int, int]] = {u.id: (0, 0) for u in unions}
    statuses = [s.value for s in OPEN_STATUSES]
    for depth, ids in by_depth.items():
        column = f"org_d{depth}"  # from a small fixed set, never from input
        marks = _marks(len(ids) + len(statuses) + 1)
        open_marks = ", ".join(marks[len(ids):-1])
        # A fixed column name and placeholders are interpolated; every value is bound.
        sql = (
            f"SELECT {column} AS org, "  # noqa: S608
            f"SUM(CASE WHEN status IN ({open_marks}) AND deadline < {marks[-1]} "
            "THEN 1 ELSE 0 END) AS overdue, "
            "SUM(CASE WHEN escalated_at IS NOT NULL THEN 1 ELSE 0 END) AS escalated "
            f"FROM service_requests WHERE {column} IN ({', '.join(marks[:len(ids)])}) "
            f"AND (escalated_at IS NOT NULL OR (status IN ({open_marks}) "
            f"AND deadline < {marks[-1]})) GROUP BY {column}"
        )
        rows = await conn().execute_query_dict(sql, [*ids, *statuses, now or utcnow()])
        for row in rows:
            found[int(row["org"])] = (int(row["overdue"] or 0), int(row["escalated"] or 0))
    return found


def ranking_key(card: Scorecard) -> tuple[Any, ...]:
    """`card`'s sort values in union_ranking's order, ascending, ending with the union id:
    what a page of the ranking keeps as its cursor (resolvers/services_pages.py)."""
    return _rank_key(card)
