"""Lean spans and Redis client spans: what the processors receive must be what the SDK (and
opentelemetry-instrumentation-redis) would have given them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    DEFAULT_OFF,
    DEFAULT_ON,
    ParentBased,
    TraceIdRatioBased,
)
from opentelemetry.trace import SpanContext, SpanKind, Status, StatusCode, TraceFlags, TraceState
from redis.exceptions import ResponseError

from unionhub import cache
from unionhub.fastpath.lean_span import LeanSpan, start_lean_span
from unionhub.observability.span_failure import mark_failed


def _provider(sampler: Any = None) -> tuple[trace.Tracer, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(**({"sampler": sampler} if sampler else {}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider.get_tracer("unionhub-test"), exporter


def _work(span: trace.Span) -> None:
    span.set_attribute("db.system", "redis")
    span.set_attributes({"n": 3, "ratio": 0.5, "flag": True, "list": [1, 2], "bad": object()})
    span.set_attribute("none", None)
    span.update_name("renamed")
    span.add_event("checkpoint", {"step": 1})
    try:
        raise ValueError("boom")
    except ValueError as exc:  # as every span of ours records one (record_exception: its own test)
        mark_failed(span, exc, status=False)
    span.set_status(Status(StatusCode.ERROR, "boom"))
    span.set_status(StatusCode.UNSET)  # ignored, as by the SDK


def _exported(start: Callable[..., trace.Span], tracer: trace.Tracer,
              exporter: InMemorySpanExporter) -> ReadableSpan:
    exporter.clear()
    with tracer.start_as_current_span("parent"):
        span = start(tracer, "child", kind=SpanKind.CLIENT, attributes={"a": "x", "b": 2})
        _work(span)
        span.end()
        span.end()  # a second end changes nothing
        span.set_attribute("late", 1)  # ignored after the end
    child, _parent = exporter.get_finished_spans()
    return child


def _sdk(tracer: trace.Tracer, name: str, **kwargs: Any) -> trace.Span:
    return tracer.start_span(name, **kwargs)


def _summary(span: ReadableSpan) -> dict[str, Any]:
    return {
        "name": span.name, "kind": span.kind, "attributes": dict(span.attributes),
        "status": (span.status.status_code, span.status.description),
        "events": [(e.name, sorted(e.attributes)) for e in span.events],
        "has_parent": span.parent is not None, "sampled": span.context.trace_flags.sampled,
        "resource": span.resource.attributes, "scope": span.instrumentation_scope,
        "ended": span.end_time >= span.start_time,
    }


def test_a_lean_span_exports_what_an_sdk_span_exports():
    tracer, exporter = _provider()
    sdk, lean = _exported(_sdk, tracer, exporter), _exported(start_lean_span, tracer, exporter)
    assert _summary(lean) == _summary(sdk)
    assert lean.parent.span_id != lean.context.span_id
    assert lean.events[1].attributes["exception.type"] == "ValueError"


def _as_json(span: ReadableSpan) -> dict[str, Any]:
    """`to_json()` without what differs between any two spans (ids, times)."""
    data = json.loads(span.to_json())
    for key in ("context", "parent_id", "start_time", "end_time"):
        data.pop(key)
    for event in data["events"]:
        event.pop("timestamp")
    return data


def test_the_ended_lean_span_is_what_exporters_read_as_the_sdk_span():
    # Processors receive the lean span itself: JSON, OTLP encoding and the dropped counts
    # must come out as they do for the SDK's own ReadableSpan.
    from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans

    tracer, exporter = _provider()
    sdk, lean = _exported(_sdk, tracer, exporter), _exported(start_lean_span, tracer, exporter)
    assert isinstance(lean, LeanSpan) and not lean.is_recording()
    assert _as_json(lean) == _as_json(sdk)
    assert (lean.dropped_attributes, lean.dropped_events, lean.dropped_links) == (
        sdk.dropped_attributes, sdk.dropped_events, sdk.dropped_links)

    def encoded(span: ReadableSpan) -> Any:
        request = encode_spans([span])
        for resource in request.resource_spans:
            for scope in resource.scope_spans:
                for item in scope.spans:
                    item.ClearField("trace_id")
                    item.ClearField("span_id")
                    item.ClearField("parent_span_id")
                    item.ClearField("start_time_unix_nano")
                    item.ClearField("end_time_unix_nano")
                    for event in item.events:
                        event.ClearField("time_unix_nano")
        return request

    assert encoded(lean) == encoded(sdk)


def test_a_lean_span_is_the_current_parent_of_sdk_spans():
    tracer, exporter = _provider()
    span = start_lean_span(tracer, "outer")
    assert isinstance(span, LeanSpan)
    token = otel_context.attach(trace.set_span_in_context(span))
    try:
        tracer.start_span("inner").end()
    finally:
        otel_context.detach(token)
    span.end()
    inner, outer = exporter.get_finished_spans()
    assert inner.parent.span_id == outer.context.span_id
    assert inner.context.trace_id == outer.context.trace_id


@pytest.mark.parametrize("sampler", [ALWAYS_OFF, ParentBased(TraceIdRatioBased(0.0))])
def test_a_sampled_out_lean_span_records_nothing(sampler):
    tracer, exporter = _provider(sampler)
    span = start_lean_span(tracer, "x", attributes={"a": 1})
    assert not span.is_recording() and span.get_span_context().is_valid
    assert not span.get_span_context().trace_flags.sampled
    span.end()
    assert exporter.get_finished_spans() == ()


def test_without_an_sdk_tracer_the_span_is_the_tracers_own():
    span = start_lean_span(trace.NoOpTracer(), "x")
    assert not isinstance(span, LeanSpan) and not span.is_recording()


async def _redis_spans(spans, work: Callable[[Any], Any]) -> list[ReadableSpan]:
    spans.clear()
    await work(cache.get_redis())
    return [s for s in spans.get_finished_spans()
            if (s.attributes or {}).get("db.system") == "redis"]


async def test_a_redis_command_span_names_the_command_and_hides_its_arguments(clean, spans):
    (span,) = await _redis_spans(spans, lambda r: r.set("member:13812345678", "secret-value"))
    assert span.name == "SET" and span.kind == SpanKind.CLIENT
    attributes = dict(span.attributes)
    assert attributes["db.statement"] == "SET ? ?" and attributes["db.redis.args_length"] == 3
    assert "db.redis.database_index" in attributes
    assert not any("13812345678" in str(v) or "secret" in str(v) for v in attributes.values())


async def test_a_redis_pipeline_is_one_span(clean, spans):
    async def work(redis: Any) -> None:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.incr("k")
            pipe.expire("k", 60)
            await pipe.execute()

    (span,) = await _redis_spans(spans, work)
    assert span.name in ("pipeline INCRBY EXPIRE", "pipeline INCR EXPIRE")
    assert span.attributes["db.redis.pipeline_length"] == 2
    assert span.attributes["db.statement"].split("\n")[1] == "EXPIRE ? ?"


async def test_a_pipeline_span_names_its_commands_in_short(clean, spans):
    async def work(redis: Any) -> None:
        pipe = redis.pipeline(transaction=False)
        for key in ("a", "b", "c"):
            pipe.set(key, "13812345678")
        await pipe.execute()

    (span,) = await _redis_spans(spans, work)
    assert span.name == "pipeline SET×3"
    assert span.attributes["db.statement"] == "SET ? ?\nSET ? ?\nSET ? ?"


async def test_a_failed_redis_command_is_an_error_span(clean, spans):
    async def work(redis: Any) -> None:
        await redis.set("k", "v")
        with pytest.raises(ResponseError):
            await redis.incr("k")  # not an integer

    spans_seen = await _redis_spans(spans, work)
    failed = [s for s in spans_seen if s.status.status_code == StatusCode.ERROR]
    assert [s.name for s in failed] in (["INCRBY"], ["INCR"])
    assert failed[0].events[0].name == "exception"


def test_attributes_beyond_the_limits_are_bounded_as_by_the_sdk():
    from opentelemetry.sdk.trace import SpanLimits

    exporter = InMemorySpanExporter()
    provider = TracerProvider(span_limits=SpanLimits(max_span_attributes=2,
                                                     max_span_attribute_length=4))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("unionhub-test")
    for start in (_sdk, start_lean_span):
        span = start(tracer, "x", attributes={"a": "long value", "b": 1})
        span.set_attribute("c", True)
        span.end()
    sdk, lean = exporter.get_finished_spans()
    assert dict(lean.attributes) == dict(sdk.attributes) == {"b": 1, "c": True}
    assert lean.dropped_attributes == sdk.dropped_attributes == 1
    exporter.clear()
    for start in (_sdk, start_lean_span):
        span = start(tracer, "x", attributes={"a": "long value"})
        span.end()
    sdk, lean = exporter.get_finished_spans()
    assert dict(lean.attributes) == dict(sdk.attributes) == {"a": "long"}


def test_the_lean_tracer_records_a_failure_as_the_sdk_tracer_does_but_by_type_only():
    from unionhub.fastpath.lean_tracer import LeanTracerProvider

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    for tracer in (provider.get_tracer("t"), LeanTracerProvider(provider).get_tracer("t")):
        with pytest.raises(KeyError), tracer.start_as_current_span("db", kind=SpanKind.CLIENT) as span:
            span.set_attribute("db.system", "postgresql")
            assert trace.get_current_span() is span
            raise KeyError("k")
        assert trace.get_current_span() is not span
    sdk, lean = exporter.get_finished_spans()
    # The SDK's status says `KeyError: 'k'` and its event holds the message and the stack
    # trace; ours the type only (a message may quote values: tests/test_span_messages.py).
    assert sdk.status.description == "KeyError: 'k'"
    assert lean.status.description == "KeyError"
    assert _summary(lean)["events"] == [("exception", ["exception.escaped", "exception.type"])]
    assert {**_summary(lean), "status": None, "events": None} == {
        **_summary(sdk), "status": None, "events": None}
    assert lean.status.status_code == sdk.status.status_code == StatusCode.ERROR


_TRACE_STATE = TraceState([("vendor", "value")])
_PARENTS = {
    "no parent": None,
    "local, sampled": SpanContext(0xA1, 0xB1, is_remote=False, trace_flags=TraceFlags(1),
                                  trace_state=_TRACE_STATE),
    "local, not sampled": SpanContext(0xA2, 0xB2, is_remote=False, trace_flags=TraceFlags(0)),
    "remote, sampled": SpanContext(0xA3, 0xB3, is_remote=True, trace_flags=TraceFlags(1),
                                   trace_state=_TRACE_STATE),
    "remote, not sampled": SpanContext(0xA4, 0xB4, is_remote=True, trace_flags=TraceFlags(0),
                                       trace_state=_TRACE_STATE),
}
_SAMPLERS = {
    "default (parentbased_always_on)": DEFAULT_ON,
    "parentbased_always_off": DEFAULT_OFF,
    "always_on": ALWAYS_ON,
    "always_off": ALWAYS_OFF,
    "parent-based, remote unsampled parents sampled": ParentBased(
        ALWAYS_OFF, remote_parent_not_sampled=ALWAYS_ON),
    "parent-based ratio (asked as usual)": ParentBased(TraceIdRatioBased(1.0)),
}


@pytest.mark.parametrize("sampler", list(_SAMPLERS))
@pytest.mark.parametrize("parent", list(_PARENTS))
def test_a_lean_span_is_sampled_as_the_sdk_samples_it(sampler, parent):
    """Static samplers are answered without calling them: the same decision, flags, trace
    state and attributes as the SDK's span under the same parent."""
    tracer, exporter = _provider(_SAMPLERS[sampler])
    parent_context = _PARENTS[parent]
    context = (None if parent_context is None
               else trace.set_span_in_context(trace.NonRecordingSpan(parent_context)))
    sdk = tracer.start_span("s", context=context, attributes={"a": 1})
    lean = start_lean_span(tracer, "s", context=context, attributes={"a": 1})
    assert lean.is_recording() == sdk.is_recording()
    sdk_context, lean_context = sdk.get_span_context(), lean.get_span_context()
    assert lean_context.trace_flags == sdk_context.trace_flags
    assert lean_context.trace_state == sdk_context.trace_state
    if parent_context is not None:
        assert lean_context.trace_id == sdk_context.trace_id == parent_context.trace_id
    sdk.end()
    lean.end()
    exported = exporter.get_finished_spans()
    assert len(exported) in (0, 2)
    assert [dict(s.attributes) for s in exported] == [{"a": 1}] * len(exported)


def test_the_recorder_names_an_operations_slowest_lean_and_sdk_children():
    # Lean spans add themselves to their operation's list at their end; SDK spans are matched
    # by trace id. Either way the record names the five slowest, slowest first, however many.
    from unionhub.observability.slow_operations import OPERATION_ATTRIBUTE, SlowOperationRecorder

    provider = TracerProvider()
    recorder = SlowOperationRecorder(threshold_ms=0.0, kept=10)
    provider.add_span_processor(recorder)
    tracer = provider.get_tracer("unionhub-test")
    root = start_lean_span(tracer, "query Q", attributes={OPERATION_ATTRIBUTE: True})
    token = otel_context.attach(trace.set_span_in_context(root))
    try:
        for i in range(30):  # durations 0..29 µs (lean) and 30..59 µs (SDK), interleaved
            lean = start_lean_span(tracer, f"lean {i}")
            lean.end(lean.start_time + i * 1000)
            sdk = tracer.start_span(f"sdk {i}", start_time=1_000)
            sdk.end(1_000 + (30 + i) * 1000)
        grandchild_parent = start_lean_span(tracer, "resolver")
        inner = otel_context.attach(trace.set_span_in_context(grandchild_parent))
        try:
            deep = start_lean_span(tracer, "deep")  # a grandchild counts as well
            deep.end(deep.start_time + 100_000)
        finally:
            otel_context.detach(inner)
        grandchild_parent.end(grandchild_parent.start_time + 1)
    finally:
        otel_context.detach(token)
    root.end()
    (record,) = recorder.pending
    assert record.operation_name == "query Q"
    assert [s.name for s in record.slowest_spans] == ["deep", "sdk 29", "sdk 28", "sdk 27",
                                                      "sdk 26"]
    assert not recorder._children  # nothing left behind for the trace
    # Outside any operation nothing is kept.
    alone = start_lean_span(tracer, "alone")
    alone.end()
    assert alone._children is None and len(recorder.pending) == 1
