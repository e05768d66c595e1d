"""Scheduled work of the identity domain (see unionhub.jobs)."""

from __future__ import annotations

from unionhub.identity.audit_integrity import archive_expired
from unionhub.jobs import PeriodicJob

# Audit rows past the retention move to the archive (a no-op until some are that old).
PERIODIC_JOBS = [PeriodicJob("identity.archive_audit", archive_expired, every_seconds=6 * 3600)]
