"""Metrics (issue 19): what a few operations leave in an in-memory metric reader and at
/metrics, the operation-name folding that bounds cardinality, and who may scrape."""

from __future__ import annotations

import httpx
import pytest

from tests.metrics_helpers import assert_alert_watches, attribute_sets, points, total
from unionhub.app import create_app
from unionhub.schema.operation_metrics import KNOWN_NAMES_MAX, OTHER, OperationNames
from unionhub.settings import Settings

ME = "query Me { me { id displayName union { name } } }"
BROKEN = "query Broken { me { noSuchField } }"
LOGIN = """mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken errors { code } } }"""


OP = "unionhub.graphql.operation.duration"
ERRORS = "unionhub.graphql.operation.errors"
DB = "db.client.operation.duration"
HTTP_OK = {"http.route": "/graphql", "http.request.method": "POST",
           "http.response.status_code": 200}


async def test_operations_show_in_the_metric_reader(gql, factory):
    member = await factory.account()
    members_table = {"db.operation.name": "SELECT", "db.collection.name": "members"}
    before = {
        "me": total(OP, {"graphql.operation.name": "Me"}),
        "http": total("http.server.request.duration", HTTP_OK),
        "invalid": total(ERRORS, {"error.code": "GRAPHQL_VALIDATION_FAILED"}),
        "denied": total(ERRORS, {"graphql.operation.name": "Me", "error.code": "UNAUTHENTICATED"}),
        "members": total(DB, members_table),
        "redis": total(DB, {"db.system.name": "redis"}),
    }
    assert (await gql(ME, token=member.token)).errors == []
    assert (await gql(ME, token=member.token)).errors == []
    assert (await gql(BROKEN, token=member.token)).errors
    denied = await gql(ME)
    assert denied.error_codes() == ["UNAUTHENTICATED"]

    assert total(OP, {"graphql.operation.name": "Me",
                      "graphql.operation.type": "query"}) == before["me"] + 3
    assert total("http.server.request.duration", HTTP_OK) == before["http"] + 4
    assert total(ERRORS, {"error.code": "GRAPHQL_VALIDATION_FAILED"}) == before["invalid"] + 1
    assert total(ERRORS, {"graphql.operation.name": "Me",
                          "error.code": "UNAUTHENTICATED"}) == before["denied"] + 1
    # The member's record was read from the database (then from Redis).
    assert total(DB, members_table) > before["members"]
    assert total(DB, {"db.system.name": "redis"}) > before["redis"]
    systems = {a["db.system.name"] for a in attribute_sets(DB)}
    assert systems & {"sqlite", "postgresql"} and "redis" in systems


async def test_sign_in_failures_are_counted(gql, factory):
    member = await factory.account()
    failures = ("unionhub.identity.sign_in.failures", {"reason": "INVALID_CREDENTIALS"})
    before = total(*failures)
    wrong = await gql(LOGIN, {"input": {"phone": member.phone, "password": "not-the-password"}})
    assert wrong.data["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert total(*failures) == before + 1


async def test_metrics_endpoint_serves_prometheus_text(gql, factory, http):
    member = await factory.account()
    assert (await gql(ME, token=member.token)).errors == []
    response = await http.get("/metrics")  # the test transport's client is 127.0.0.1
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert "# TYPE http_server_request_duration_seconds histogram" in text
    assert 'http_route="/graphql"' in text
    assert "unionhub_graphql_operation_duration_seconds_bucket{" in text
    assert 'graphql_operation_name="Me"' in text
    assert "db_client_operation_duration_seconds_count{" in text
    # No values: the phone never appears, whatever the operations read.
    assert member.phone not in text


async def _status(app, client: tuple[str, int], headers: dict[str, str] | None = None,
                  ) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=client)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        return await http.get("/metrics", headers=headers or {})


async def test_metrics_refuses_addresses_outside_the_allow_list(app):
    refused = await _status(app, ("203.0.113.7", 40000))
    assert refused.status_code == 403 and "http_server" not in refused.text
    assert (await _status(app, ("127.0.0.1", 40000))).status_code == 200
    assert (await _status(app, ("::1", 40000))).status_code == 200


async def test_metrics_with_the_bearer_secret_from_anywhere():
    secret = "scrape-secret-0123456789abcdef"
    app = create_app(settings=Settings(metrics_token=secret,
                                       metrics_allowed_networks=["10.0.0.0/8"]),
                     manage_connections=False)
    outside = ("203.0.113.7", 40000)
    assert (await _status(app, outside)).status_code == 403
    assert (await _status(app, outside, {"Authorization": "Bearer wrong"})).status_code == 403
    assert (await _status(app, outside, {"Authorization": f"Bearer {secret}"})).status_code == 200
    assert (await _status(app, ("10.1.2.3", 1))).status_code == 200
    # The allow-list replaced the loopback default.
    assert (await _status(app, ("127.0.0.1", 1))).status_code == 403


def test_operation_names_are_folded_into_a_bounded_set():
    names = OperationNames({"abc": "query FromManifest { me { id } }"})
    assert names.label("FromManifest", valid=False) == "FromManifest"
    assert names.label("anonymous", valid=True) == "anonymous"
    # A name that failed validation is never learnt.
    assert names.label("Junk", valid=False) == OTHER
    labels = {names.label(f"Op{i}", valid=True) for i in range(KNOWN_NAMES_MAX + 50)}
    assert len(labels) == KNOWN_NAMES_MAX + 1 and OTHER in labels
    assert names.label("Op0", valid=True) == "Op0"
    assert names.label("Junk", valid=True) == OTHER


@pytest.mark.parametrize("name", ["Me"])
async def test_unknown_names_share_one_series(gql, factory, name):
    member = await factory.account()
    assert (await gql(ME.replace("Me", name), token=member.token)).errors == []
    names = {a["graphql.operation.name"]
             for a in attribute_sets("unionhub.graphql.operation.duration")}
    assert name in names
    assert len(names) <= KNOWN_NAMES_MAX + 2  # the learnt, `anonymous` and `other`


async def test_periodic_jobs_runs_failures_and_lag():
    from unionhub import jobs
    from unionhub.observability import metrics_setup

    async def works() -> None:
        return None

    async def breaks() -> None:
        raise RuntimeError("boom")

    ok_job = jobs.PeriodicJob("test.works", works, every_seconds=60)
    bad_job = jobs.PeriodicJob("test.breaks", breaks, every_seconds=0)
    runs = "unionhub.job.runs"
    before_ok = total(runs, {"unionhub.job.name": "test.works", "outcome": "ok"})
    before_bad = total(runs, {"unionhub.job.name": "test.breaks", "outcome": "failed"})
    await jobs.run_job(ok_job)
    with pytest.raises(RuntimeError):
        await jobs.run_job(bad_job)
    assert total(runs, {"unionhub.job.name": "test.works", "outcome": "ok"}) == before_ok + 1
    assert total(runs, {"unionhub.job.name": "test.breaks", "outcome": "failed"}) == before_bad + 1
    lag = {p.attributes["unionhub.job.name"]: p.value for p in points("unionhub.job.lag")}
    assert lag["test.works"] == 0.0  # just succeeded, due in a minute
    assert lag["test.breaks"] > 0.0  # never succeeded, due every 0 s
    metrics_setup._jobs.pop("test.works")
    metrics_setup._jobs.pop("test.breaks")
    metrics_setup._last_runs.pop("test.works", None)
    metrics_setup._last_runs.pop("test.breaks", None)


async def test_a_slow_jobs_failed_run_is_what_its_alert_reads():
    """UnionHubJobFailing (3 failures in 30 minutes) can never fire for a job run every 15
    minutes or less often. Each process says when a job last ran, by outcome (wall-clock
    seconds, comparable across processes), and UnionHubJobLastRunFailed pages on a job whose
    last failure is later than its last success."""
    from unionhub import jobs
    from unionhub.observability import metrics_setup

    outcome = {"ok": True}

    async def archive() -> None:
        if not outcome["ok"]:
            raise RuntimeError("boom")

    job = jobs.PeriodicJob("test.archive", archive, every_seconds=6 * 3600)
    name = "unionhub.job.last_run.time"
    try:
        await jobs.run_job(job)
        outcome["ok"] = False
        with pytest.raises(RuntimeError):
            await jobs.run_job(job)
        last = {p.attributes["outcome"]: p.value for p in points(name)
                if p.attributes["unionhub.job.name"] == "test.archive"}
        assert set(last) == {"ok", "failed"} and last["failed"] >= last["ok"] > 1.7e9
        assert_alert_watches("UnionHubJobLastRunFailed", name,
                             {"unionhub.job.name": "test.archive", "outcome": "failed"})
    finally:
        metrics_setup._jobs.pop("test.archive", None)
        metrics_setup._last_runs.pop("test.archive", None)


async def test_database_pool_in_use_and_waiting(gql, factory):
    from unionhub import db

    if not db.is_postgres():
        pytest.skip("the pool figures are asyncpg's (PostgreSQL)")
    member = await factory.account()
    assert (await gql(ME, token=member.token)).errors == []
    states = {p.attributes["db.client.connection.state"]: p.value
              for p in points("db.client.connection.count")}
    assert set(states) == {"used", "idle"} and states["used"] + states["idle"] >= 1
    assert [p.value for p in points("db.client.connection.pending_requests")] == [0]


async def test_http_labels_stay_bounded(http):
    duration = "http.server.request.duration"
    other = {"http.request.method": "_OTHER", "http.route": "other"}
    before = total(duration, other)
    await http.request("PROPFIND", "/no/such/path/13812345678")
    assert total(duration, other) == before + 1
    routes = {a["http.route"] for a in attribute_sets(duration)}
    assert not any("13812345678" in r for r in routes)


def test_otlp_metric_export_follows_the_standard_variables(monkeypatch):
    from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter as Grpc
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter as Http

    from unionhub.observability import metrics_setup

    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
                 "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
                 "OTEL_METRICS_EXPORTER"):
        monkeypatch.delenv(name, raising=False)
    assert metrics_setup._otlp_metric_exporter_from_env() is None  # no endpoint: none
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    grpc = metrics_setup._otlp_metric_exporter_from_env()
    assert isinstance(grpc, Grpc)
    grpc.shutdown()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/protobuf")
    http = metrics_setup._otlp_metric_exporter_from_env()
    assert isinstance(http, Http) and http._endpoint == "http://127.0.0.1:9/v1/metrics"
    http.shutdown()
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "none")
    assert metrics_setup._otlp_metric_exporter_from_env() is None


def test_second_histograms_have_buckets_in_seconds():
    """The SDK's default buckets (0, 5, 10, 25 ... 10000) are meant for milliseconds: on a
    duration in seconds every provider call and nearly every job run fell in the first bucket
    (0-5 s), so a p99 read from them said nothing. The instruments in seconds bring their own."""
    from unionhub.observability import metrics as m

    for name, instrument, attributes in (
            ("unionhub.provider.request.duration", m.PROVIDER_DURATION,
             {"kind": "test", "provider": "buckets", "outcome": "ok"}),
            ("unionhub.job.duration", m.JOB_DURATION, {"unionhub.job.name": "test.buckets"})):
        instrument.record(0.3, attributes)
        [point] = [p for p in points(name) if dict(p.attributes) == attributes]
        bounds = point.explicit_bounds
        assert bounds[0] < 0.1 and 0.25 in bounds and 1 in bounds, (name, bounds)
        assert len([b for b in bounds if b < 5]) >= 6, (name, bounds)
