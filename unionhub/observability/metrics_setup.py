"""One MeterProvider per process: Prometheus at `/metrics`, OTLP by the standard variables.

Readers: the Prometheus reader (its own registry, served by `metrics_endpoint`), and a periodic
OTLP reader when `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` is set
(gRPC, or `http/protobuf` by `OTEL_EXPORTER_OTLP[_METRICS]_PROTOCOL`; off with
`OTEL_METRICS_EXPORTER=none`; the interval from `OTEL_METRIC_EXPORT_INTERVAL`, read by the
SDK). Every reader's collection gets the hot histograms' data points too (`fastpath/hot_metrics.py`).
`UNIONHUB_METRICS_ENABLED=false` installs nothing: the instruments record into the API's
no-op provider and the hot histograms return at once (bench/metrics_cost.py compares).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import time
from collections.abc import Iterable, Sequence
from typing import Any

from opentelemetry import metrics as otel_metrics
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from unionhub.fastpath import hot_metrics, switch

_provider: MeterProvider | None = None
_registry: Any = None  # prometheus_client.CollectorRegistry of this process's reader
# Periodic jobs this process runs: name -> (interval seconds, last success or start, monotonic)
_jobs: dict[str, list[float]] = {}
# Per job, when its last run in this process ended, by outcome (ok, failed), in Unix seconds:
# wall-clock, so that the alert can take the latest over every process that runs it.
_last_runs: dict[str, dict[str, float]] = {}


def setup_metrics(service_name: str, enabled: bool = True,
                  extra_readers: Sequence[MetricReader] = ()) -> MeterProvider | None:
    """Idempotent: the first call in a process wins (one global MeterProvider)."""
    global _provider, _registry
    if _provider is not None or not enabled:
        return _provider
    from opentelemetry.exporter.prometheus import PrometheusMetricReader
    from prometheus_client import CollectorRegistry

    _registry = CollectorRegistry(auto_describe=True)
    readers: list[MetricReader] = [PrometheusMetricReader(registry=_registry), *extra_readers]
    exporter = _otlp_metric_exporter_from_env()
    if exporter is not None:
        readers.append(PeriodicExportingMetricReader(exporter))
    resource = Resource.create({SERVICE_NAME: service_name})
    # The fast path's hot histograms, merged into every reader's collection; with its `metrics`
    # part off, the same instruments record into the SDK's own histograms.
    hot = switch.ON.metrics
    provider = (hot_metrics.HotMeterProvider(resource, readers) if hot
                else MeterProvider(resource=resource, metric_readers=readers))
    otel_metrics.set_meter_provider(provider)
    _observe(provider)
    hot_metrics.HotHistogram.enabled = hot
    hot_metrics.HotHistogram.to_sdk = not hot
    _provider = provider
    return provider


def _otlp_metric_exporter_from_env() -> Any:
    env = os.environ
    if env.get("OTEL_METRICS_EXPORTER", "").strip().lower() in ("none", "prometheus"):
        return None
    if not (env.get("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_ENDPOINT")):
        return None
    protocol = env.get("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL") or env.get(
        "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
    if protocol.strip().lower().startswith("http"):
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    else:
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
    return OTLPMetricExporter()


# --- observed at collection -----------------------------------------------------------------

def _pool_state() -> tuple[int, int, int] | None:
    """(in use, idle, waiting) of the default connection's asyncpg pool, or None (SQLite, or
    not connected). asyncpg counts no waiters publicly: they are its queue's getters."""
    from tortoise import connections

    try:
        pool = getattr(connections.get("default"), "_pool", None)
    except Exception:  # Tortoise not initialised (a CLI command, between tests)
        return None
    if pool is None or not hasattr(pool, "get_size"):
        return None
    size, idle = pool.get_size(), pool.get_idle_size()
    waiting = len(getattr(getattr(pool, "_queue", None), "_getters", ()) or ())
    return size - idle, idle, waiting


def _connections(_: CallbackOptions) -> Iterable[Observation]:
    state = _pool_state()
    if state is None:
        return []
    used, idle, _waiting = state
    pool = {"db.client.connection.pool.name": "default"}
    return [Observation(used, {**pool, "db.client.connection.state": "used"}),
            Observation(idle, {**pool, "db.client.connection.state": "idle"})]


def _pending(_: CallbackOptions) -> Iterable[Observation]:
    state = _pool_state()
    if state is None:
        return []
    return [Observation(state[2], {"db.client.connection.pool.name": "default"})]


def _job_lag(_: CallbackOptions) -> Iterable[Observation]:
    now = time.monotonic()
    return [Observation(max(0.0, now - last - every), {"unionhub.job.name": name})
            for name, (every, last) in list(_jobs.items())]


def _job_last_run(_: CallbackOptions) -> Iterable[Observation]:
    return [Observation(at, {"unionhub.job.name": name, "outcome": outcome})
            for name, runs in list(_last_runs.items()) for outcome, at in list(runs.items())]


# (kind, name, unit, description, callback): instruments observed at each collection.
OBSERVED = (
    ("up_down_counter", "db.client.connection.count", "{connection}",
     "Database connections in the pool, by state (used, idle).", _connections),
    ("up_down_counter", "db.client.connection.pending_requests", "{request}",
     "Requests waiting for a database connection from the pool.", _pending),
    ("gauge", "unionhub.job.lag", "s",
     "Seconds a periodic job is overdue in this process (0 when on time).", _job_lag),
    # A job run every 15 minutes or less often never fails 3 times in 30 minutes (alert
    # UnionHubJobFailing): UnionHubJobLastRunFailed compares its last failure and success.
    ("gauge", "unionhub.job.last_run.time", "s",
     "Unix time a periodic job's last run by outcome (ok, failed) ended in this process.",
     _job_last_run),
)


def _observe(provider: MeterProvider) -> None:
    meter = provider.get_meter("unionhub")
    for kind, name, unit, description, callback in OBSERVED:
        create = (meter.create_observable_up_down_counter if kind == "up_down_counter"
                  else meter.create_observable_gauge)
        create(name, [callback], unit, description)


def job_scheduled(name: str, every_seconds: float) -> None:
    """A process that runs `name` says so once; its lag counts from now until a success."""
    _jobs.setdefault(name, [float(every_seconds), time.monotonic()])


def job_succeeded(name: str) -> None:
    entry = _jobs.get(name)
    if entry is not None:
        entry[1] = time.monotonic()
    _last_runs.setdefault(name, {})["ok"] = time.time()


def job_failed(name: str) -> None:
    _last_runs.setdefault(name, {})["failed"] = time.time()


def serve_worker_metrics(port: int, host: str = "127.0.0.1",
                         access: MetricsAccess | None = None) -> None:
    """`unionhub worker` has no HTTP server of its own: prometheus_client's WSGI app on a
    thread, listening on `host` (loopback by default), answering only whom `access` allows
    (as the app's /metrics: the allowed networks or the bearer token), 403 to the rest."""
    import socket
    import threading
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from prometheus_client import make_wsgi_app
    from prometheus_client.exposition import ThreadingWSGIServer

    metrics = make_wsgi_app(_registry)

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if access is not None and not access.allows_peer(
                environ.get("REMOTE_ADDR"), environ.get("HTTP_AUTHORIZATION", "")):
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"Forbidden"]
        return metrics(environ, start_response)

    class Server(ThreadingWSGIServer):
        address_family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                            flags=socket.AI_PASSIVE)[0][0]

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # not a stderr line a scrape
            pass

    server = make_server(host, port, app, Server, handler_class=Quiet)
    threading.Thread(target=server.serve_forever, name="worker-metrics", daemon=True).start()


# --- /metrics -------------------------------------------------------------------------------

class MetricsAccess:
    """Who may scrape: a client address in `allowed` networks, or a request carrying
    `Authorization: Bearer <token>` when a token is configured."""

    def __init__(self, allowed: Sequence[str], token: str | None) -> None:
        self.networks = [ipaddress.ip_network(n, strict=False) for n in allowed]
        self.token = token or None

    def allows(self, request: Request) -> bool:
        client = request.client
        return self.allows_peer(client.host if client else None,
                                request.headers.get("authorization", ""))

    def allows_peer(self, host: str | None, authorization: str) -> bool:
        """A client at `host` (None: unknown) sending that Authorization header."""
        if self.token is not None:
            scheme, _, given = authorization.partition(" ")
            if scheme.lower() == "bearer" and secrets.compare_digest(given.strip().encode(),
                                                                     self.token.encode()):
                return True
        if host is None:
            return False
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        if address.version == 6 and address.ipv4_mapped is not None:  # (a dual-stack socket)
            address = address.ipv4_mapped
        return any(address in network for network in self.networks)


def metrics_endpoint(access: MetricsAccess) -> Any:
    async def endpoint(request: Request) -> Response:
        if not access.allows(request):
            return PlainTextResponse("Forbidden", status_code=403)
        if _registry is None:
            return PlainTextResponse("Metrics are off (UNIONHUB_METRICS_ENABLED=false)",
                                     status_code=404)
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return Response(generate_latest(_registry), media_type=CONTENT_TYPE_LATEST)

    return endpoint
