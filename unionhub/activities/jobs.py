"""Scheduled work for activities.

Leaderboard writes go to Redis inside each submission's transaction, and a rebuild re-applies
those made while it ran (`leaderboards.finish`). Rebuilding the boards of running challenges
every quarter hour is the safety net for any other drift (a write Redis took but an error
kept from committing, an entry evicted with its board); records are taken until a day after an
activity's last day (`steps.closes_at`), so its boards are rebuilt until a day after that.
Rebuilds are idempotent; one runs at a time per activity, and this job skips an activity whose
boards another process is rebuilding (that one is as exact)."""

from __future__ import annotations

from datetime import timedelta

from unionhub.activities import leaderboards
from unionhub.activities.models import DAILY_COUNT_KINDS, Activity
from unionhub.activities.steps import closes_at
from unionhub.cache import safe
from unionhub.clock import utcnow
from unionhub.jobs import PeriodicJob


async def reconcile_leaderboards() -> int:
    """Rebuild the boards of walking and reading activities running now, or that took records
    within the last day."""
    now = utcnow()
    # closes_at is at most two days after ends_at: the query narrows, closes_at decides.
    recent = await Activity.filter(kind__in=list(DAILY_COUNT_KINDS), starts_at__lte=now,
                                   ends_at__gt=now - timedelta(days=3))
    running = [a for a in recent if closes_at(a) > now - timedelta(days=1)]
    for activity in running:
        await safe(leaderboards.rebuild(activity), None)
    return len(running)


PERIODIC_JOBS = [PeriodicJob("activities.reconcile_leaderboards", reconcile_leaderboards, 900)]
