"""Traces an operator can read (issue 19): database spans named `<operation> <table>` with the
statement and no values, the slow-operation list's safe attributes, the console exporter."""

from __future__ import annotations

import json

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from tests.tracing_helpers import (
    BY_CARD,
    ID_NUMBER,
    OTEL_VARS,
    PHONE,
    by_trace,
    is_db,
    verified_member,
)
from unionhub.identity import lookup
from unionhub.observability import tracing
from unionhub.observability.db_spans import describe

SLOW = """query Slow { slowOperations { traceId operationName
  slowestSpans { name durationMs operation table rowCount } } }"""


def test_statements_are_named_by_operation_and_table_and_lose_inlined_values():
    name, operation, table, statement = describe(
        'SELECT "id","phone_enc" FROM "members" WHERE "phone_bidx"=\'abc\' AND "id"=42 LIMIT $1')
    assert (name, operation, table) == ("SELECT members", "SELECT", "members")
    assert "'abc'" not in statement and "42" not in statement and "$1" in statement
    assert describe('INSERT INTO "audit_log" ("action") VALUES ($1)')[0] == "INSERT audit_log"
    assert describe('UPDATE "mall_skus" SET "stock"="stock"-3 WHERE "id"=$1')[0] == \
        "UPDATE mall_skus"
    assert describe('DELETE FROM "refresh_tokens" WHERE "id"=$1')[0] == "DELETE refresh_tokens"
    # A CTE is named by the statement it feeds, and that statement's table.
    assert describe("WITH picked AS (SELECT id FROM unions) UPDATE orders SET x=1 "
                    "WHERE id IN (SELECT id FROM picked)")[0] == "UPDATE orders"
    assert describe("BEGIN")[0] == "BEGIN"


async def test_a_lookups_database_spans_say_what_and_where(gql, factory, spans):
    tree = await factory.tree()
    member = await verified_member(gql, tree)
    cadre = await factory.cadre(tree.counties["A"])
    await lookup.invalidate_member(int(member["id"]))  # read from the database this time
    spans.clear()
    result = await gql(BY_CARD, {"cardNo": member["card"]}, token=cadre.token)
    assert result.errors == []
    db_spans = [s for s in by_trace(spans.get_finished_spans(),
                                     result.body["extensions"]["traceId"]) if is_db(s)]
    assert db_spans
    for span in db_spans:
        attributes = span.attributes
        operation, table = attributes["db.operation.name"], attributes.get("db.collection.name")
        assert span.name == (f"{operation} {table}" if table else operation)
        dumped = json.dumps(dict(attributes), ensure_ascii=False)
        for secret in (PHONE, ID_NUMBER, member["card"]):
            assert secret not in dumped
    selects = {s.name: s for s in db_spans if s.attributes["db.operation.name"] == "SELECT"}
    assert "SELECT members" in selects or "SELECT member_cards" in selects
    read = selects.get("SELECT member_cards") or selects["SELECT members"]
    assert read.attributes["db.response.returned_rows"] >= 1


async def test_slow_operations_show_each_spans_safe_attributes(gql, factory, monkeypatch):
    recorder = tracing.slow_operation_recorder()
    monkeypatch.setattr(recorder, "threshold_ms", 0.0)
    tree = await factory.tree()
    member = await verified_member(gql, tree)
    cadre = await factory.cadre(tree.counties["A"])
    await lookup.invalidate_member(int(member["id"]))
    lookup_result = await gql(BY_CARD, {"cardNo": member["card"]}, token=cadre.token)
    trace_id = lookup_result.body["extensions"]["traceId"]
    operator = await factory.operator()
    result = await gql(SLOW, token=operator.token)
    assert result.errors == []
    (entry,) = [r for r in result.data["slowOperations"] if r["traceId"] == trace_id]
    database = [s for s in entry["slowestSpans"] if s["table"] is not None]
    assert database, entry["slowestSpans"]
    for span in database:
        assert span["name"] == f"{span['operation']} {span['table']}"
    assert any(isinstance(s["rowCount"], int) for s in database)
    # Never a value: the whole list holds none of the member's secrets.
    dumped = json.dumps(result.data, ensure_ascii=False)
    for secret in (PHONE, ID_NUMBER, member["card"]):
        assert secret not in dumped


@pytest.fixture
def otel_env(monkeypatch):
    for name in OTEL_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _export_one_span(provider: TracerProvider) -> None:
    with provider.get_tracer("test").start_as_current_span("query Lookup") as span:
        span.set_attribute("graphql.operation.name", "Lookup")
    provider.force_flush()
    provider.shutdown()


def test_console_exporter_prints_json_lines(otel_env, capsys):
    otel_env.setenv("OTEL_TRACES_EXPORTER", "console")
    provider, _ = tracing.build_provider("unionhub-console", 500, 10)
    assert any(isinstance(p, BatchSpanProcessor) for p in
               provider._active_span_processor._span_processors)
    _export_one_span(provider)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(lines) == 1  # one span, one line
    span = json.loads(lines[0])
    assert span["name"] == "query Lookup"
    assert span["attributes"]["graphql.operation.name"] == "Lookup"
    assert span["resource"]["attributes"]["service.name"] == "unionhub-console"


def test_traces_exporter_variable_is_honoured(otel_env):
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.export import ConsoleSpanExporter

    assert tracing.exporters_from_env() == []  # otlp by default, but no endpoint
    otel_env.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    otel_env.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
    otel_env.setenv("OTEL_TRACES_EXPORTER", "none")
    assert tracing.exporters_from_env() == []
    otel_env.setenv("OTEL_TRACES_EXPORTER", "otlp")
    assert [type(e) for e in tracing.exporters_from_env()] == [OTLPSpanExporter]
    otel_env.setenv("OTEL_TRACES_EXPORTER", "console,otlp")
    assert [type(e) for e in tracing.exporters_from_env()] == [ConsoleSpanExporter,
                                                               OTLPSpanExporter]
    otel_env.setenv("OTEL_TRACES_EXPORTER", "zipkin")
    with pytest.raises(SystemExit, match="zipkin"):
        tracing.exporters_from_env()
