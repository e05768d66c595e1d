"""Scheduled work of the services domain (see unionhub.jobs)."""

from __future__ import annotations

from unionhub.jobs import PeriodicJob
from unionhub.services.escalation import escalate_overdue

PERIODIC_JOBS = [PeriodicJob("services.escalate_overdue", escalate_overdue, every_seconds=300)]
