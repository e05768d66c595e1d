"""Background and scheduled work.

Each domain may expose `PERIODIC_JOBS` in `unionhub/<domain>/jobs.py`: a list of
`PeriodicJob`s, each an idempotent async function safe to run twice and on several processes
at once (they settle rows with conditional updates, never by trusting that they run alone).
`unionhub worker` runs them on arq (Redis-backed) as cron jobs; in the embedded mode (no
REDIS_URL) the app runs them in-process on a timer instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from time import perf_counter

from opentelemetry import context as otel_context

from unionhub import after_response
from unionhub.domains import optional_domain_modules
from unionhub.observability import metrics, metrics_setup, tracing
from unionhub.observability.current_span import CurrentSpan
from unionhub.observability.span_failure import mark_failed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    run: Callable[[], Awaitable[object]]
    every_seconds: int
    timeout_seconds: int | None = None  # None: its interval, at least a minute

    @property
    def timeout(self) -> int:
        """How long a run may take before it is cancelled (arq's job timeout in the worker,
        asyncio's in the embedded scheduler) and counted failed."""
        return self.timeout_seconds or max(self.every_seconds, 60)


def periodic_jobs() -> list[PeriodicJob]:
    return [job for module in optional_domain_modules("jobs") for job in module.PERIODIC_JOBS]


async def run_job(job: PeriodicJob) -> None:
    """One run, counted (`unionhub.job.runs` by outcome, `unionhub.job.duration`) and, when
    it succeeds, the end of the job's lag in this process (`unionhub.job.lag`). The run is
    one trace, `job <name>`: its statements are its children, and a failure marks it (the
    exception's type only: a message may hold anything) and is logged once inside it, so
    the log line carries the trace id."""
    metrics_setup.job_scheduled(job.name, job.every_seconds)
    attributes = {"unionhub.job.name": job.name}
    started = perf_counter()
    deferred = after_response.start()  # (what the run leaves for its end: audit links)
    span = tracing.start_span(f"job {job.name}", context=otel_context.Context(),
                              attributes=attributes)  # a root: not the caller's trace
    try:
        with CurrentSpan(span, record=False, set_status=False):
            try:
                try:
                    await job.run()
                finally:
                    await after_response.finish(deferred)
            except BaseException as exc:
                mark_failed(span, exc, record=False)
                if isinstance(exc, Exception):  # (a timeout's cancellation: arq says so)
                    log.error("periodic job %s failed (%s)", job.name, type(exc).__name__,
                              exc_info=exc)
                raise
    except BaseException:
        metrics.JOB_RUNS.add(1, {**attributes, "outcome": "failed"})
        metrics_setup.job_failed(job.name)
        raise
    else:
        metrics.JOB_RUNS.add(1, {**attributes, "outcome": "ok"})
        metrics_setup.job_succeeded(job.name)
    finally:
        metrics.JOB_DURATION.record(perf_counter() - started, attributes)


async def run_in_process(stop: asyncio.Event, chosen: Sequence[PeriodicJob] | None = None,
                         ) -> None:
    """The embedded scheduler: every job (or those `chosen`) on its interval until `stop` is
    set, each run within its timeout as in the worker: a hung run is cancelled, counted
    failed and logged, and the job runs again on its interval."""

    async def loop(job: PeriodicJob) -> None:
        while not stop.is_set():
            try:
                await asyncio.wait_for(run_job(job), timeout=job.timeout)
            except TimeoutError:
                log.error("periodic job %s timed out after %d s", job.name, job.timeout)
            except Exception:  # noqa: S110 (run_job logged it) not to stop the other jobs
                pass
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=job.every_seconds)

    await asyncio.gather(*(loop(job) for job in (periodic_jobs() if chosen is None else chosen)))
