"""OpenTelemetry set-up: one TracerProvider per process.

Spans: the HTTP request (`http_span.HttpServerSpan`), the GraphQL operation (our schema
extension), the hot-path resolvers (`traced`), every database query (db_spans, both backends)
and every Redis command. Export follows OTEL_TRACES_EXPORTER (`otlp`, the default, when an
OTEL_EXPORTER_OTLP_* endpoint is set; `console`: one JSON line per span on stdout; `none`; or
a comma-separated list); sampling follows OTEL_TRACES_SAMPLER (the SDK reads it).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.trace import SpanKind
from opentelemetry.util.types import Attributes

from unionhub.fastpath import switch
from unionhub.fastpath.lean_span import start_lean_span
from unionhub.observability.current_span import OwnSpan
from unionhub.observability.slow_operations import SlowOperationRecorder
from unionhub.observability.tail_export import TailExportProcessor

P = ParamSpec("P")
R = TypeVar("R")

_provider: TracerProvider | None = None
_recorder: SlowOperationRecorder | None = None
TRACER_NAME = "unionhub"


def setup_tracing(service_name: str, slow_threshold_ms: float, slow_kept: int,
                  export_ratio: float = 1.0) -> TracerProvider:
    """Idempotent: the first call in a process wins (OpenTelemetry allows one global provider)."""
    global _provider, _recorder
    if _provider is not None:
        return _provider
    provider, _recorder = build_provider(service_name, slow_threshold_ms, slow_kept,
                                         export_ratio)
    trace.set_tracer_provider(provider)
    _instrument_libraries(provider)
    _provider = provider
    return provider


def build_provider(service_name: str, slow_threshold_ms: float, slow_kept: int,
                   export_ratio: float = 1.0) -> tuple[TracerProvider, SlowOperationRecorder]:
    """A provider with the slow-operation recorder, plus OTLP export when the environment asks
    for it: every trace, or (`export_ratio` < 1) the slow and failed ones and that share of the
    rest (`TailExportProcessor`). Not installed globally: `setup_tracing` does that once per
    process."""
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
    recorder = SlowOperationRecorder(threshold_ms=slow_threshold_ms, kept=slow_kept)
    provider.add_span_processor(recorder)
    for exporter in exporters_from_env():
        export: SpanProcessor = BatchSpanProcessor(exporter)
        if export_ratio < 1.0:
            export = TailExportProcessor(export, slow_threshold_ms, export_ratio)
        provider.add_span_processor(export)
    return provider, recorder


def _json_line(span: ReadableSpan) -> str:
    return span.to_json(indent=None) + "\n"


def exporters_from_env() -> list[SpanExporter]:
    """The exporters OTEL_TRACES_EXPORTER names (comma-separated; `otlp` when unset):
    `otlp` (see `otlp_exporter_from_env`), `console` (a JSON line per span on stdout, for a
    site without a collector), `none`. An unknown name stops the process with its name."""
    names = [n.strip().lower() for n in
             os.environ.get("OTEL_TRACES_EXPORTER", "otlp").split(",") if n.strip()]
    exporters: list[SpanExporter] = []
    for name in names:
        if name == "none":
            return []
        if name == "console":
            exporters.append(ConsoleSpanExporter(out=sys.stdout, formatter=_json_line))
        elif name == "otlp":
            otlp = otlp_exporter_from_env()
            if otlp is not None:
                exporters.append(otlp)
        else:
            raise SystemExit(f"OTEL_TRACES_EXPORTER: unknown exporter {name!r} "
                             "(otlp, console or none)")
    return exporters


def otlp_exporter_from_env() -> SpanExporter | None:
    """The OTLP exporter the standard variables ask for, or None when no endpoint is set (or
    OTEL_TRACES_EXPORTER=none). gRPC by default; `http/protobuf` selects the HTTP exporter.
    The exporter reads its endpoint, headers and timeout from the same variables itself."""
    env = os.environ
    if "none" in env.get("OTEL_TRACES_EXPORTER", "").strip().lower().split(","):
        return None
    if not (env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_ENDPOINT")):
        return None
    protocol = env.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or env.get(
        "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
    if protocol.strip().lower().startswith("http"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    else:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    return OTLPSpanExporter()


def _instrument_libraries(provider: TracerProvider) -> None:
    from unionhub.observability import db_spans, redis_spans

    # Redis spans carry the command name and argument count only: no values, so no personal data.
    redis_spans.instrument()
    # Statements only (values replaced), never their parameters; `<operation> <table>`.
    db_spans.instrument()


def add_span_processor(processor: SpanProcessor) -> None:
    if _provider is None:
        raise RuntimeError("setup_tracing() first")
    _provider.add_span_processor(processor)


def slow_operation_recorder() -> SlowOperationRecorder:
    if _recorder is None:
        raise RuntimeError("setup_tracing() first")
    return _recorder


@functools.cache
def tracer() -> trace.Tracer:
    # Cached: get_tracer() per request costs ~5% of a lookup's CPU (docs/library-notes.md).
    return trace.get_tracer(TRACER_NAME)


def start_span(name: str, *, context: otel_context.Context | None = None,
               kind: SpanKind = SpanKind.INTERNAL, attributes: Attributes = None) -> trace.Span:
    """A span of ours: a lean span on the fast path (`fastpath.lean_span`), else the SDK's."""
    if switch.ON.spans:
        return start_lean_span(tracer(), name, context=context, kind=kind, attributes=attributes)
    return tracer().start_span(name, context=context, kind=kind, attributes=attributes)


def active_span(name: str, *, context: otel_context.Context | None = None,
                kind: SpanKind = SpanKind.INTERNAL, attributes: Attributes = None) -> OwnSpan:
    """`with active_span(name) as span:` does what `tracer().start_as_current_span(name)` does
    (the span is current inside, ended on exit, an exception recorded with an ERROR status by
    its type only, a refusal as its code and no failure: `OwnSpan`),
    without the SDK's two generator-based context managers: the hot lookup opens two of these
    per request."""
    return OwnSpan(start_span(name, context=context, kind=kind, attributes=attributes))


def traced(name: str) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """A span around a chosen async function (hot-path resolvers), not around every field."""

    def decorate(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(fn)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with active_span(name):
                return await fn(*args, **kwargs)

        return wrapper

    return decorate
