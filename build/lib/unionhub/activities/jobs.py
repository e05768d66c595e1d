"""Scheduled work for activities.

Leaderboard writes go to Redis inside each submission's transaction; a rebuild that runs at
the same moment can overwrite one of them with its slightly older snapshot. Rebuilding the
boards of running challenges every quarter hour bounds how long such an entry stays stale.
Rebuilds are idempotent and safe side by side (each builds aside, then RENAMEs)."""

from __future__ import annotations

from datetime import timedelta

from unionhub.activities import leaderboards
from unionhub.activities.models import DAILY_COUNT_KINDS, Activity
from unionhub.cache import safe
from unionhub.clock import utcnow
from unionhub.jobs import PeriodicJob


async def reconcile_leaderboards() -> int:
    """Rebuild the boards of walking and reading activities running now or ended within a day."""
    now = utcnow()
    running = await Activity.filter(kind__in=list(DAILY_COUNT_KINDS), starts_at__lte=now,
                                    ends_at__gt=now - timedelta(days=1))
    for activity in running:
        await safe(leaderboards.rebuild(activity), None)
    return len(running)


PERIODIC_JOBS = [PeriodicJob("activities.reconcile_leaderboards", reconcile_leaderboards, 900)]
