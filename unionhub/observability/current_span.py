"""`with tracer.start_as_current_span(...)` for a span already started, on public API only."""

from __future__ import annotations

from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode


class CurrentSpan:
    """`with tracer.start_as_current_span(...) as span:` as the SDK does it (current inside, an
    exception recorded with an ERROR status, ended on exit), without its generator layers."""

    __slots__ = ("_end", "_record", "_set_status", "_token", "span")

    def __init__(self, span: trace.Span, record: bool = True, set_status: bool = True,
                 end: bool = True) -> None:
        self.span, self._record, self._set_status, self._end = span, record, set_status, end

    def __enter__(self) -> trace.Span:
        self._token = otel_context.attach(trace.set_span_in_context(self.span))
        return self.span

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        otel_context.detach(self._token)
        span = self.span
        if isinstance(exc, Exception) and span.is_recording():
            if self._record:
                span.record_exception(exc)
            if self._set_status:
                span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
        if self._end:
            span.end()
