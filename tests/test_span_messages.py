"""A failure's message never reaches a span (observability/span_failure.py): a driver's or a
Redis script's message may quote a phone, an ID number or a row, and spans leave the process
for a collector. Each test provokes a real failure whose message holds a marker, checks that
it does, and scans every finished span (name, attributes, status, events) for it."""

from __future__ import annotations

from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind, get_tracer_provider
from tortoise import connections

from unionhub import cache, db
from unionhub.fastpath.lean_span import LeanSpan, start_lean_span
from unionhub.fastpath.lean_tracer import LeanTracerProvider
from unionhub.observability.tracing import active_span, tracer

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"


def _text_of(span: ReadableSpan) -> str:
    parts = [span.name, span.status.description or ""]
    parts += [f"{k}={v}" for k, v in (span.attributes or {}).items()]
    for event in span.events:
        parts += [event.name, *(f"{k}={v}" for k, v in (event.attributes or {}).items())]
    return "\n".join(parts)


def _assert_nowhere(spans: Any, marker: str) -> list[ReadableSpan]:
    finished = list(spans.get_finished_spans())
    assert finished, "no span was recorded"
    for span in finished:
        assert marker not in _text_of(span), (span.name, _text_of(span))
    return finished


def _failed(finished: list[ReadableSpan], name: str) -> ReadableSpan:
    [span] = [s for s in finished if s.name == name]
    assert not span.status.is_ok and not span.status.is_unset, span.status
    return span


async def _failing_script() -> None:
    """A Redis error whose message quotes an argument (what a script's error_reply does)."""
    await cache.get_redis().eval("return redis.error_reply('duplicate member ' .. ARGV[1])",
                                 0, PHONE)


async def _failing_statement() -> None:
    """A statement refused with a value in the message: PostgreSQL (asyncpg) quotes a
    parameter it cannot encode; SQLite quotes a bad JSON path."""
    conn = connections.get("default")
    if db.is_postgres():
        await conn.execute_query("SELECT $1::int", [ID_NUMBER])
    else:
        await conn.execute_query(f"SELECT json_extract('{{}}', '{ID_NUMBER}')")


@pytest.mark.parametrize(("fail", "marker"), [(_failing_script, PHONE),
                                              (_failing_statement, ID_NUMBER)])
async def test_a_failure_quoting_personal_data_leaves_it_out_of_every_span(clean, spans, fail,
                                                                          marker):
    spans.clear()
    with pytest.raises(Exception) as raised, active_span("resolve member"):
        await fail()
    assert marker in str(raised.value), "the failure should quote the marker"
    finished = _assert_nowhere(spans, marker)
    resolver = _failed(finished, "resolve member")
    assert resolver.status.description == type(raised.value).__name__
    # The client span of the command or statement that failed is marked too, by type.
    client = [s for s in finished if s.kind == SpanKind.CLIENT]
    assert client and not client[-1].status.is_unset


async def test_a_tracer_handed_to_an_instrumentation_records_failures_by_type(clean, spans):
    """`LeanTracer.start_as_current_span` (what an instrumentation given our provider uses)
    records an exception as the SDK's would, but without its message or stack trace."""
    tracer = LeanTracerProvider(get_tracer_provider()).get_tracer("unionhub-test")
    spans.clear()
    with pytest.raises(Exception) as raised, tracer.start_as_current_span("instrumented", kind=SpanKind.CLIENT):
        await _failing_statement()
    assert ID_NUMBER in str(raised.value)
    span = _failed(_assert_nowhere(spans, ID_NUMBER), "instrumented")
    assert span.status.description == type(raised.value).__name__
    [event] = span.events
    assert event.name == "exception"
    assert set(event.attributes) == {"exception.type", "exception.escaped"}


def test_record_exception_on_a_lean_span_keeps_the_type_only(spans):
    spans.clear()
    span = start_lean_span(tracer(), "anything")
    assert isinstance(span, LeanSpan)
    try:
        raise ValueError(f"invalid input for query argument $1: '{ID_NUMBER}'")
    except ValueError as exc:
        span.record_exception(exc, attributes={"exception.message": str(exc)})
    span.end()
    [event] = _assert_nowhere(spans, ID_NUMBER)[0].events
    assert dict(event.attributes) == {"exception.type": "ValueError",
                                      "exception.escaped": "False"}
