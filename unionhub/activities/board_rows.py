"""The activity rows the leaderboards read, cached per process for BOARD_ROW_TTL_SECONDS.

The leaderboard screen reads its activity on every view, for two things: who may see it (its
organiser's scope path, fixed at creation: no update path changes an activity's scope, kind,
window or caps) and `board_misses`, the count of step writes Redis missed. So the only fact that
can go stale here is `board_misses`: this process forgets the row when it counts a miss or
resets the count (`leaderboards`), and another process's miss shows here within the TTL, after
which the next read rebuilds the board as before. What a caller may see is checked on every
request (`activities.get_visible_board`), never by the cache. An id not found is cached as
such for the TTL too (an unknown id must not take longer than a known one: row_cache.py);
creating an activity forgets its id.
"""

from __future__ import annotations

from unionhub.activities.models import Activity
from unionhub.row_cache import RowCache

BOARD_ROW_TTL_SECONDS = 5.0


async def _by_ids(ids: list[int]) -> dict[int, Activity]:
    return {a.id: a for a in await Activity.filter(id__in=ids)}


rows: RowCache[int, Activity] = RowCache("activities.boards", BOARD_ROW_TTL_SECONDS, _by_ids)


async def get(activity_id: int) -> Activity | None:
    """The row from this process's cache when fresh, else one query (read-only: shared)."""
    row = rows.cached(activity_id)
    if row is None:
        row = (await rows.get_many([activity_id])).get(activity_id)
    return row


def forget(activity_id: int) -> None:
    """After this process changed the row's `board_misses`: read it afresh next time."""
    rows.forget(activity_id)
