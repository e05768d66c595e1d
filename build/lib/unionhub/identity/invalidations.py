"""Member-cache invalidations that failed, replayed until Redis takes them.

`lookup.invalidate_member` runs after a write commits. If Redis refuses it (down, or
unreachable from this process only), the cached record, with its old scope, card or tier,
would otherwise be served until its TTL (an hour) by every process that can reach Redis,
or by all of them once Redis is back. So the failure is written to the database
(`identity_pending_cache_invalidations`, which just took the write) and the periodic job
`identity.replay_cache_invalidations` replays it every REPLAY_SECONDS on whichever worker
runs it, until the record and card keys are gone and the write generation bumped. A stale
entry then outlives its change by at most the replay interval after Redis is reachable again
(plus the worker's own reconnect); while Redis is unreachable nothing is served from it.

The hot lookup's reads are untouched: no extra round trip, no extra key.
"""

from __future__ import annotations

import logging

from unionhub.identity.models import PendingCacheInvalidation

log = logging.getLogger(__name__)

REPLAY_SECONDS = 5
_BATCH = 500


async def remember(member_id: int, card_numbers: list[str]) -> None:
    try:
        await PendingCacheInvalidation.create(member_id=member_id, card_numbers=card_numbers)
    except Exception:  # the database too: nothing left to do but say so
        log.exception("member cache invalidation lost (Redis and the database failed)")


async def replay_pending() -> int:
    """Replay queued invalidations, oldest first; stops at the first one Redis refuses (it is
    still down). Safe on several processes at once: replaying twice is harmless."""
    from unionhub.identity.lookup import try_invalidate

    pending = await PendingCacheInvalidation.all().order_by("id").limit(_BATCH)
    done: list[int] = []
    for row in pending:
        if not await try_invalidate(row.member_id, *row.card_numbers):
            await PendingCacheInvalidation.filter(id=row.id).update(attempts=row.attempts + 1)
            break
        done.append(row.id)
    if done:
        await PendingCacheInvalidation.filter(id__in=done).delete()
    return len(done)
