"""`unionhub worker`: the domains' periodic jobs on arq, a Redis-backed job queue.

Several workers may run at once: arq's cron jobs are unique per schedule slot, and every job
is idempotent besides, so a slot run twice settles nothing twice.
"""

from __future__ import annotations

import contextlib
import logging.config
from typing import Any

from arq import cron
from arq.connections import RedisSettings
from arq.cron import CronJob
from arq.worker import run_worker

from unionhub import cache, db, redis_topology
from unionhub.domains import check_domains_startup, close_domains
from unionhub.jobs import PeriodicJob, periodic_jobs, run_job
from unionhub.observability import metrics_setup, tracing
from unionhub.observability.logs import log_config
from unionhub.settings import Settings, get_settings


def _schedule(every_seconds: int) -> dict[str, Any]:
    """arq schedules by clock fields: turn an interval into the matching sets."""
    if every_seconds < 60:
        return {"second": set(range(0, 60, max(every_seconds, 1)))}
    if every_seconds < 3600:
        return {"minute": set(range(0, 60, every_seconds // 60)), "second": 0}
    return {"hour": set(range(0, 24, every_seconds // 3600)), "minute": 0, "second": 0}


def _cron(job: PeriodicJob) -> CronJob:
    async def run(ctx: dict[Any, Any], *args: Any, **kwargs: Any) -> None:  # arq.WorkerCoroutine
        # run_job counted the failure and logged it, with the run's trace id: arq would log
        # it again without one (arq still logs a timeout, which cancels the run).
        with contextlib.suppress(Exception):
            await run_job(job)

    run.__qualname__ = run.__name__ = job.name
    return cron(run, name=job.name, timeout=job.timeout, **_schedule(job.every_seconds))


def arq_redis_settings(settings: Settings) -> RedisSettings:
    """arq's Redis: UNIONHUB_ARQ_REDIS_URL, else REDIS_URL. arq has no Redis Cluster client
    (its job keys cannot share a slot), so a cluster needs a plain Redis named for arq; a
    Sentinel-managed primary serves, through arq's own Sentinel support."""
    url = settings.arq_redis_url or settings.redis_url or ""
    if not settings.arq_redis_url and redis_topology.is_cluster(settings):
        raise SystemExit("unionhub worker: REDIS_URL names a Redis Cluster, which arq cannot "
                         "use; set UNIONHUB_ARQ_REDIS_URL to a plain (or Sentinel) Redis")
    redis_settings = RedisSettings.from_dsn(url)
    if settings.redis_sentinels and url == settings.redis_url:
        redis_settings.host = redis_topology.sentinel_hosts(settings.redis_sentinels)
        redis_settings.sentinel = True
        redis_settings.sentinel_master = settings.redis_sentinel_master
    return redis_settings


async def _startup(ctx: dict[str, Any]) -> None:
    await db.init_db()
    await cache.check_startup()  # the app's Redis (the member cache the jobs invalidate)
    await redis_topology.check(  # arq on a cluster node would fail on MOVED at every step
        ctx["redis"], get_settings(), "arq's Redis",
        "arq cannot use a cluster; point UNIONHUB_ARQ_REDIS_URL at a plain Redis")
    for job in periodic_jobs():  # their lag counts from now (unionhub.job.lag)
        metrics_setup.job_scheduled(job.name, job.every_seconds)


async def _shutdown(_ctx: dict[str, Any]) -> None:
    await close_domains()
    await db.close_db()
    await cache.close_redis()


def worker_settings() -> dict[str, Any]:
    settings = get_settings()
    if not settings.redis_url:
        raise SystemExit("unionhub worker needs REDIS_URL; the embedded mode runs jobs in the app")
    check_domains_startup(settings)
    # Traces as the app's (each run a `job <name>` trace with its statements, unionhub/jobs.py).
    tracing.setup_tracing(f"{settings.service_name}-worker", settings.slow_operation_threshold_ms,
                          settings.slow_operations_kept, settings.trace_export_ratio)
    # Metrics over OTLP (the standard variables), and for scraping on the port given (loopback
    # unless UNIONHUB_WORKER_METRICS_HOST), to the clients the app's /metrics answers.
    metrics_setup.setup_metrics(f"{settings.service_name}-worker", enabled=settings.metrics_enabled)
    if settings.metrics_enabled and settings.worker_metrics_port:
        metrics_setup.serve_worker_metrics(
            settings.worker_metrics_port, settings.worker_metrics_host,
            metrics_setup.MetricsAccess(settings.metrics_allowed_networks, settings.metrics_token))
    return {
        "functions": [],
        "cron_jobs": [_cron(job) for job in periodic_jobs()],
        "redis_settings": arq_redis_settings(settings),
        "on_startup": _startup,
        "on_shutdown": _shutdown,
        "queue_name": "unionhub:jobs",
    }


def main(settings: dict[str, Any] | None = None) -> None:
    """Run the worker on `settings` from worker_settings() (made here when not given: it
    starts the metrics server, so it is made once per process)."""
    config = get_settings()  # JSON lines with the job's trace id, arq's too
    logging.config.dictConfig(log_config(config.log_level, config.log_sql_parameters))
    run_worker(type("WorkerSettings", (), settings or worker_settings()))
