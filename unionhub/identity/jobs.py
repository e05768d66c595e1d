"""Identity's periodic jobs; each idempotent and safe on several workers at once."""

from __future__ import annotations

from unionhub.identity.invalidations import REPLAY_SECONDS, replay_pending
from unionhub.jobs import PeriodicJob

PERIODIC_JOBS = [
    PeriodicJob("identity.replay_cache_invalidations", replay_pending,
                every_seconds=REPLAY_SECONDS),
]
