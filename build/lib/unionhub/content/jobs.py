"""Scheduled work of the content domain (see unionhub.jobs)."""

from __future__ import annotations

from unionhub.content.reads import FLUSH_EVERY_SECONDS, flush_job
from unionhub.jobs import PeriodicJob

PERIODIC_JOBS = [PeriodicJob("content.flush_reads", flush_job, every_seconds=FLUSH_EVERY_SECONDS)]
