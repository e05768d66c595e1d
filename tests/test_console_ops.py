"""The operators' console queries: RED figures per operation, a kept trace's spans, readiness
(as GET /ready says) — operators only."""

from __future__ import annotations

import asyncio
import re

import pytest

from unionhub.observability import red, tracing

RED = """query Red($w: Int) { operationMetrics(windowSeconds: $w) { at windowSeconds
  metricsEnabled operations { operationType operationName count ratePerSecond errors
  errorRate errorsByCode { code count } p50Ms p95Ms p99Ms } } }"""
TRACE = """query T($id: String!) { trace(traceId: $id) { traceId operationName durationMs at
  spans { spanId parentSpanId name startOffsetMs durationMs status operation table rowCount } } }"""
SLOW = "{ slowOperations { traceId durationMs slowestSpans { name durationMs } } }"
READY = "{ readiness { ready checks { name ok detail } } }"


async def test_operator_queries_are_refused_to_everyone_else(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    member = await factory.account(tree.grassroots["A"][0])
    admin = await factory.admin()
    for query, variables in ((RED, {}), (TRACE, {"id": "0" * 32}), (READY, {})):
        for who in (cadre, member):
            r = await gql(query, variables, token=who.token)
            assert r.error_codes() == ["FORBIDDEN"], (query, r.body)
        assert (await gql(query, variables)).error_codes() == ["UNAUTHENTICATED"]
        assert (await gql(query, variables, token=admin.token)).errors == []


async def test_red_figures_over_a_window(gql, factory):
    operator = await factory.operator()
    cadre = await factory.cadre((await factory.tree()).counties["A"])
    red.reset()
    first = await gql(RED, {"w": 1}, token=operator.token)
    assert first.errors == [] and first.data["operationMetrics"]["metricsEnabled"] is True
    await asyncio.sleep(1.1)  # the next poll's window starts at this one's snapshot
    for _ in range(3):
        assert (await gql("{ __typename }")).errors == []
    bad = await gql('{ cockpit(unionId: "1", period: "bad") { period } }', token=cadre.token)
    assert bad.error_codes() == ["BAD_USER_INPUT"]
    r = await gql(RED, {"w": 1}, token=operator.token)
    assert r.errors == [], r.errors
    got = r.data["operationMetrics"]
    assert 1.0 <= got["windowSeconds"] < 30
    (anonymous,) = [o for o in got["operations"]
                    if (o["operationType"], o["operationName"]) == ("query", "anonymous")]
    # Only what ran in the window is listed (the session's earlier operations are not).
    assert all(o["count"] > 0 for o in got["operations"])
    assert len(got["operations"]) <= 3  # anonymous, Red, and at most "other"
    assert (anonymous["count"], anonymous["errors"], anonymous["errorRate"]) == (4, 1, 0.25)
    assert anonymous["errorsByCode"] == [{"code": "BAD_USER_INPUT", "count": 1}]
    assert anonymous["ratePerSecond"] == pytest.approx(4 / got["windowSeconds"], rel=0.05)
    assert 0 < anonymous["p50Ms"] <= anonymous["p95Ms"] <= anonymous["p99Ms"]


async def test_a_kept_trace_answers_its_spans(gql, factory, monkeypatch):
    monkeypatch.setattr(tracing.slow_operation_recorder(), "threshold_ms", 0.0)
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    operator = await factory.operator()
    looked = await gql("query Kids($u: ID!) { joinApplications(unionId: $u) { id } }",
                       {"u": str(tree.counties["A"].id)}, token=cadre.token)
    trace_id = looked.body["extensions"]["traceId"]

    r = await gql(TRACE, {"id": trace_id.upper()}, token=operator.token)
    assert r.errors == [], r.errors
    got = r.data["trace"]
    assert got["traceId"] == trace_id and got["operationName"] == "query Kids"
    root, *children = got["spans"]
    assert re.fullmatch(r"[0-9a-f]{16}", root["spanId"])
    assert (root["parentSpanId"], root["startOffsetMs"], root["status"]) == (None, 0.0, "OK")
    assert root["durationMs"] == got["durationMs"] and children
    assert all(c["parentSpanId"] == root["spanId"] for c in children)
    assert any(c["table"] == "join_applications" for c in children)
    # The same spans slowOperations names.
    slow = await gql(SLOW, token=operator.token)
    (entry,) = [e for e in slow.data["slowOperations"] if e["traceId"] == trace_id]
    assert [(s["name"], s["durationMs"]) for s in entry["slowestSpans"]] == [
        (c["name"], c["durationMs"]) for c in children]

    for unknown in ("0" * 32, "f" * 32, "not-a-trace-id", ""):
        r = await gql(TRACE, {"id": unknown}, token=operator.token)
        assert r.errors == [] and r.data["trace"] is None


async def test_readiness_is_what_ready_says(gql, http, factory):
    operator = await factory.operator()
    r = await gql(READY, token=operator.token)
    assert r.errors == []
    ready = (await http.get("/ready")).json()
    got = r.data["readiness"]
    assert got["ready"] is (ready["status"] == "ok") is True
    assert {c["name"]: c["detail"] for c in got["checks"]} == {
        k: v for k, v in ready.items() if k != "status"}
    assert all(c["ok"] for c in got["checks"])


async def test_readiness_reports_a_database_outage(private_db, gql, http, factory):
    operator = await factory.operator()
    await asyncio.to_thread(private_db.stop)
    try:
        r = await gql(READY, token=operator.token)
        ready = await http.get("/ready")
    finally:
        await asyncio.to_thread(private_db.start)
    assert r.errors == [], r.body
    got = r.data["readiness"]
    assert got["ready"] is False and ready.status_code == 503
    checks = {c["name"]: (c["ok"], c["detail"]) for c in got["checks"]}
    assert checks["redis"] == (True, "ok")
    assert checks["database"][0] is False
    assert checks["database"][1] == ready.json()["database"]
    assert checks["database"][1].startswith("unavailable (")
