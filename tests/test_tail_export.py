"""Tail-based export: every trace is recorded, but only slow ones, failed ones and a share of
the rest reach the exporter, each whole."""

from __future__ import annotations

import time

import pytest
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import NonRecordingSpan, SpanContext, StatusCode, TraceFlags

from unionhub.observability import tracing
from unionhub.observability.tail_export import TailExportProcessor
from unionhub.settings import Settings


# Only the test of slow traces sets a threshold a request can reach: elsewhere a pause of
# the machine (a CI run beside PostgreSQL) must not export a trace as slow.
def _tracer(ratio: float, slow_ms: float = 60_000,
            ) -> tuple[trace.Tracer, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(TailExportProcessor(SimpleSpanProcessor(exporter), slow_ms, ratio))
    return provider.get_tracer("tail-test"), exporter


def _request(tracer: trace.Tracer, *, sleep_s: float = 0.0, fail: bool = False,
             context: otel_context.Context | None = None) -> int:
    with tracer.start_as_current_span("query Lookup", context=context) as root:
        with tracer.start_as_current_span("resolve member"):
            tracer.start_span("EVALSHA").end()
        if fail:
            root.set_status(StatusCode.ERROR)
        time.sleep(sleep_s)
        return root.get_span_context().trace_id


def test_fast_successful_traces_are_recorded_but_not_exported():
    tracer, exporter = _tracer(ratio=0.0)
    for _ in range(20):
        _request(tracer)
    assert exporter.get_finished_spans() == ()


def test_a_slow_trace_is_exported_whole():
    tracer, exporter = _tracer(ratio=0.0, slow_ms=20)
    _request(tracer)
    trace_id = _request(tracer, sleep_s=0.03)
    exported = exporter.get_finished_spans()
    assert sorted(s.name for s in exported) == ["EVALSHA", "query Lookup", "resolve member"]
    assert {s.context.trace_id for s in exported} == {trace_id}


def test_a_failed_trace_is_exported_whole():
    tracer, exporter = _tracer(ratio=0.0)
    trace_id = _request(tracer, fail=True)
    exported = exporter.get_finished_spans()
    assert len(exported) == 3 and {s.context.trace_id for s in exported} == {trace_id}


def test_ratio_one_exports_everything_and_a_share_is_decided_by_the_trace_id():
    tracer, exporter = _tracer(ratio=1.0)
    for _ in range(5):
        _request(tracer)
    assert len(exporter.get_finished_spans()) == 15

    tracer, exporter = _tracer(ratio=0.25)
    ids = [_request(tracer) for _ in range(400)]
    kept = {s.context.trace_id for s in exporter.get_finished_spans()}
    assert kept == {i for i in ids if (i & (2**64 - 1)) < 2**62}
    assert 40 <= len(kept) <= 160


def test_a_root_under_a_remote_parent_decides_for_its_process_part():
    tracer, exporter = _tracer(ratio=0.0)
    remote = SpanContext(trace_id=0xABC, span_id=0xDEF, is_remote=True,
                         trace_flags=TraceFlags(TraceFlags.SAMPLED))
    caller = trace.set_span_in_context(NonRecordingSpan(remote))
    _request(tracer, context=caller, fail=True)
    exported = exporter.get_finished_spans()
    assert len(exported) == 3 and {s.context.trace_id for s in exported} == {0xABC}


def test_a_span_ending_after_its_root_follows_the_decision():
    tracer, exporter = _tracer(ratio=0.0)
    with tracer.start_as_current_span("query Lookup") as root:
        late = tracer.start_span("INSERT")
        root.set_status(StatusCode.ERROR)
    late.end()
    assert sorted(s.name for s in exporter.get_finished_spans()) == ["INSERT", "query Lookup"]

    tracer, exporter = _tracer(ratio=0.0)
    with tracer.start_as_current_span("query Lookup"):
        late = tracer.start_span("INSERT")
    late.end()
    assert exporter.get_finished_spans() == ()


def test_the_provider_uses_it_only_below_ratio_one(monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:4318/v1/traces")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf")

    def processors(ratio: float) -> list[str]:
        provider, _ = tracing.build_provider("tail-test", 500, 10, ratio)
        try:
            return [type(p).__name__ for p in provider._active_span_processor._span_processors]
        finally:
            provider.shutdown()

    assert processors(1.0) == ["SlowOperationRecorder", "BatchSpanProcessor"]
    assert processors(0.05) == ["SlowOperationRecorder", "TailExportProcessor"]


@pytest.mark.parametrize("ratio", ["-0.1", "1.5", "lots"])
def test_a_ratio_outside_zero_to_one_is_refused(monkeypatch, ratio):
    monkeypatch.setenv("UNIONHUB_TRACE_EXPORT_RATIO", ratio)
    with pytest.raises(ValueError):
        Settings()
