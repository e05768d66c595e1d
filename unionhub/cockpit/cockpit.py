"""Opening a cockpit (scope and period) and its sections, batched: each section function takes
many (union, period) keys, as a DataLoader gathers them for a drill-down or a trend, and answers
them with one batched domain query per distinct period (never one per union)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from unionhub.activities.stats import KindFigures, participation
from unionhub.activities.stats import top_activities as _top_activities
from unionhub.clock import utcnow
from unionhub.cockpit.period import Period, parse_period
from unionhub.errors import AccessDenied
from unionhub.identity import member_figures, orgs
from unionhub.identity.access import Principal, path_in_scope, require_authenticated
from unionhub.identity.models import Union
from unionhub.identity.stats import (
    MemberCounts,
    QueueCounts,
    member_counts,
    overdue_application_counts,
    queue_counts,
)
from unionhub.mall.report import SubtreeSales, subtree_sales
from unionhub.mall.union_funds import Ledger, ledgers
from unionhub.services import scorecards
from unionhub.services.scorecards import Scorecard

Key = tuple[Union, Period]
T = TypeVar("T")


async def open_cockpit(principal: Principal, union_id: int | None, period: str,
                       ) -> tuple[Union, Period]:
    """The union and period of a cockpit the caller may read. An unknown union is refused as
    one outside the scope is: the refusal says nothing of what exists."""
    require_authenticated(principal)
    parsed = parse_period(period)
    union = await Union.get_or_none(id=union_id) if union_id is not None else None
    if union is None or not path_in_scope(principal, union.path):
        raise AccessDenied("this union is outside your scope")
    return union, parsed


async def children(union: Union) -> list[Union]:
    """The drill-down's next level: the union's children, holding pools included (their
    members count in the parent's figures)."""
    return await orgs.children(union.id)


async def _per_period(keys: Sequence[Key],
                      load: Callable[[list[Union], Period], Awaitable[dict[int, T]]],
                      ) -> list[T]:
    groups: dict[str, tuple[Period, dict[int, Union]]] = {}
    for union, period in keys:
        groups.setdefault(period.label, (period, {}))[1][union.id] = union
    found: dict[tuple[int, str], T] = {}
    for label, (period, unions) in groups.items():
        for union_id, value in (await load(list(unions.values()), period)).items():
            found[(union_id, label)] = value
    return [found[(union.id, period.label)] for union, period in keys]


@dataclass(frozen=True, slots=True)
class Membership:
    members: MemberCounts
    overdue_in_period: int


async def _membership(unions: list[Union], period: Period) -> dict[int, Membership]:
    paths = [u.path for u in unions]
    cutoff = min(period.end, utcnow())
    counts = await member_counts(paths, cutoff)
    overdue = await overdue_application_counts(paths, period.start, cutoff)
    return {u.id: Membership(counts.get(u.path, MemberCounts(0, 0)), overdue.get(u.path, 0))
            for u in unions}


async def figures_counted_at(keys: Sequence[int]) -> list[datetime | None]:
    """DataLoader batch: when the member figures were counted (member_figures), read once a
    request whatever the sections and periods asked."""
    counted_at = await member_figures.as_of()
    return [counted_at for _ in keys]


async def member_queues(unions: Sequence[Union]) -> list[QueueCounts]:
    """DataLoader batch: the membership queues now (the same for every period of a trend)."""
    found = await queue_counts([u.path for u in unions])
    return [found.get(u.path, QueueCounts()) for u in unions]


async def service_queues(unions: Sequence[Union]) -> list[tuple[int, int]]:
    """DataLoader batch: requests overdue now and ever escalated, per union."""
    found = await scorecards.queue_counts(list(unions))
    return [found[u.id] for u in unions]


async def _services(unions: list[Union], period: Period) -> dict[int, Scorecard]:
    # The member figures are the membership section's, counted once there.
    return await scorecards.scorecards_between(unions, period.label, period.start, period.end,
                                               count_members=False)


async def _activities(unions: list[Union], period: Period,
                      ) -> dict[int, list[KindFigures]]:
    found = await participation([u.path for u in unions], period.start, period.end)
    return {u.id: list(found[u.path].values()) for u in unions}


async def _mall(unions: list[Union], period: Period) -> dict[int, SubtreeSales]:
    found = await subtree_sales([u.path for u in unions], period.first_day, period.last_day)
    return {u.id: found.get(u.path, SubtreeSales()) for u in unions}


async def _funds(unions: list[Union], period: Period) -> dict[int, Ledger]:
    return await ledgers([u.id for u in unions], int(period.last_month[:4]))


def batched(load: Callable[[list[Union], Period], Awaitable[dict[int, Any]]],
            ) -> Callable[[Sequence[Key]], Awaitable[list[Any]]]:
    async def run(keys: Sequence[Key]) -> list[Any]:
        return await _per_period(keys, load)
    return run


# DataLoader batch functions, one per section (keys: (union, period)).
membership = batched(_membership)
services = batched(_services)
activities = batched(_activities)
mall = batched(_mall)
funds = batched(_funds)



async def children_of(parents: Sequence[Union]) -> list[list[Union]]:
    """DataLoader batch: the children of many unions, one query."""
    found: dict[int, list[Union]] = {p.id: [] for p in parents}
    for row in await Union.filter(parent_id__in=list(found)).order_by("id"):
        if row.parent_id is not None:  # always, filtered on it: narrows the nullable FK
            found[row.parent_id].append(row)
    return [found[p.id] for p in parents]


_SERVICE_METRICS = ("articles_published", "article_reads", "verified_members",
                    "requests_received", "requests_completed", "on_time_rate", "mean_rating")


def _shown(value: float | int | None, metric: str) -> float | int | None:
    """A scorecard figure as services.onTimeRate and unionScorecard show it: the on-time rate
    to 4 decimals (the mean rating is rounded already), so a ranked value is the child's own
    figure and children whose figures read alike share a rank."""
    if metric == "on_time_rate" and value is not None:
        return round(value, scorecards.RATE_DECIMALS)
    return value


async def ranking(union: Union, period: Period, metric: str,
                  ) -> list[tuple[int, float | None, int]]:
    """The children (holding pools left out, as unionRanking) as (rank, value, union id),
    best first: larger is better; equal values share a rank; undefined values come last."""
    kids = [k for k in await orgs.children(union.id) if not k.is_holding_pool]
    if metric in _SERVICE_METRICS:
        cards = await scorecards.scorecards_between(kids, period.label, period.start,
                                                    period.end)
        values = {k.id: _shown(getattr(cards[k.id], metric), metric) for k in kids}
    elif metric == "enrolments":
        kinds = await _activities(kids, period)
        values = {k.id: sum(f.enrolments for f in kinds[k.id]) for k in kids}
    else:
        sales = await _mall(kids, period)
        values = {k.id: getattr(sales[k.id], metric) for k in kids}
    order = sorted(kids, key=lambda k: (values[k.id] is None, -(values[k.id] or 0), k.id))
    ranked: list[tuple[int, float | None, int]] = []
    for position, kid in enumerate(order, start=1):
        value = values[kid.id]
        shared = ranked and ranked[-1][1] == value
        rank = ranked[-1][0] if shared else position
        ranked.append((rank, None if value is None else float(value), kid.id))
    return ranked


async def top_activities(union: Union, period: Period, first: int) -> list[Any]:
    """The subtree's most enrolled activities of the period (at most 10)."""
    return await _top_activities(union.path, period.start, period.end, max(1, min(first, 10)))
