"""A tracer and tracer provider whose spans are lean spans (`fastpath.lean_span`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.trace import Tracer
from opentelemetry.trace import Link, SpanKind
from opentelemetry.util import types

from unionhub.fastpath.lean_span import start_lean_span
from unionhub.observability.current_span import CurrentSpan


class LeanTracer(trace.Tracer):
    """A tracer whose spans are lean spans, for instrumentations that take a tracer provider
    (the Tortoise ORM's database spans): `start_span` and `start_as_current_span` behave as the
    SDK tracer's, whose sampler, ids and processors they use."""

    def __init__(self, sdk_tracer: Tracer) -> None:
        self._sdk = sdk_tracer

    def start_span(self, name: str, context: otel_context.Context | None = None,
                   kind: SpanKind = SpanKind.INTERNAL, attributes: types.Attributes = None,
                   links: Sequence[Link] | None = (), start_time: int | None = None,
                   record_exception: bool = True, set_status_on_exception: bool = True,
                   ) -> trace.Span:
        return start_lean_span(self._sdk, name, context=context, kind=kind,
                               attributes=attributes, links=links or ())

    # The SDK's also works as a decorator; no instrumentation uses it so.
    def start_as_current_span(self, name: str,  # type: ignore[override]
                              context: otel_context.Context | None = None,
                              kind: SpanKind = SpanKind.INTERNAL,
                              attributes: types.Attributes = None,
                              links: Sequence[Link] | None = (), start_time: int | None = None,
                              record_exception: bool = True,
                              set_status_on_exception: bool = True,
                              end_on_exit: bool = True) -> CurrentSpan:
        return CurrentSpan(self.start_span(name, context, kind, attributes, links),
                            record_exception, set_status_on_exception, end_on_exit)


class LeanTracerProvider(trace.TracerProvider):
    """Hands out `LeanTracer`s over an SDK provider's tracers."""

    def __init__(self, provider: Any) -> None:
        self._provider = provider

    def get_tracer(self, instrumenting_module_name: str, *args: Any, **kwargs: Any) -> trace.Tracer:
        sdk_tracer = self._provider.get_tracer(instrumenting_module_name, *args, **kwargs)
        return LeanTracer(sdk_tracer) if isinstance(sdk_tracer, Tracer) else sdk_tracer
