"""Activities' batch loads for request-scoped DataLoaders: one query per batch of keys."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from unionhub.activities import enrolment
from unionhub.activities.models import Activity, Enrollment


async def activities_by_id(ids: list[int]) -> list[Activity | None]:
    found = {a.id: a for a in await Activity.filter(id__in=ids)}
    return [found.get(i) for i in ids]


def enrollments_of(member_id: int) -> Callable[[list[int]], Awaitable[list[Enrollment | None]]]:
    """One member's enrolment in each of a batch of activities."""
    async def load(activity_ids: list[int]) -> list[Enrollment | None]:
        found = {e.activity_id: e for e in
                 await Enrollment.filter(member_id=member_id, activity_id__in=activity_ids)}
        return [found.get(i) for i in activity_ids]
    return load


async def enrollments_of_members(member_ids: list[int]) -> list[list[Enrollment]]:
    found = await enrolment.enrollments_of_members(member_ids)
    return [found[m] for m in member_ids]


async def organized_by(union_ids: list[int]) -> list[list[Activity]]:
    found: dict[int, list[Activity]] = {u: [] for u in union_ids}
    for a in await Activity.filter(organizer_id__in=union_ids).order_by("-id"):
        found[a.organizer_id].append(a)
    return [found[u] for u in union_ids]
