"""Scheduled work of the identity domain (see unionhub.jobs); each job idempotent and safe on
several workers at once."""

from __future__ import annotations

from unionhub.identity.audit_integrity import archive_expired
from unionhub.identity.audit_linker import SWEEP_SECONDS, sweep
from unionhub.identity.invalidations import REPLAY_SECONDS, replay_pending
from unionhub.identity.join_deadlines import ESCALATE_EVERY_SECONDS, escalate_overdue_applications
from unionhub.identity.member_figures import REFRESH_EVERY_SECONDS, refresh
from unionhub.identity.retention import EVERY_SECONDS as PURGE_EVERY_SECONDS
from unionhub.identity.retention import purge_expired
from unionhub.jobs import PeriodicJob

PERIODIC_JOBS = [
    # Audit rows a crash or a long transaction left unlinked get linked; one unlinked for too
    # long is the alarm (identity/audit_linker.py).
    PeriodicJob("identity.link_audit", sweep, every_seconds=SWEEP_SECONDS),
    # Audit rows past the retention move to the archive (a no-op until some are that old).
    PeriodicJob("identity.archive_audit", archive_expired, every_seconds=6 * 3600),
    PeriodicJob("identity.replay_cache_invalidations", replay_pending,
                every_seconds=REPLAY_SECONDS),
    # Pending join applications past their due date go to the parent union's cadres.
    PeriodicJob("identity.escalate_join_applications", escalate_overdue_applications,
                every_seconds=ESCALATE_EVERY_SECONDS),
    # Expired SMS codes, old send windows and dead refresh-token families are deleted.
    PeriodicJob("identity.purge_expired", purge_expired, every_seconds=PURGE_EVERY_SECONDS),
    # The cockpit's and scorecards' member figures, rebuilt as of now (member_figures.py).
    PeriodicJob("identity.refresh_member_figures", refresh, every_seconds=REFRESH_EVERY_SECONDS),
]
