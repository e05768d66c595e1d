"""`with tracer.start_as_current_span(...)` for a span already started, on public API only."""

from __future__ import annotations

from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace

from unionhub.errors import DomainError
from unionhub.observability.span_failure import mark_failed

# A refusal (a DomainError: access denied, not found, invalid input, rate limited) is the
# caller's mistake, answered with its code; only other exceptions are server failures.
REFUSAL_ATTRIBUTE = "unionhub.refusal"


class CurrentSpan:
    """`with tracer.start_as_current_span(...) as span:` as the SDK does it (current inside, an
    exception recorded with an ERROR status, ended on exit), without its generator layers,
    and with the exception recorded by its type only (`span_failure.mark_failed`: its message
    may quote a driver's values)."""

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
        if isinstance(exc, Exception):
            mark_failed(span, exc, record=self._record, status=self._set_status)
        if self._end:
            span.end()


class OwnSpan(CurrentSpan):
    """`CurrentSpan` for our own spans (`tracing.active_span`: resolvers, operations), on two
    points unlike the SDK's. A refusal (`DomainError`: access denied, not found, invalid input,
    rate limited) is not a failure: the span keeps its code in `unionhub.refusal` and stays
    unset, or every member's mistake would be a failed trace the tail export keeps and the slow
    list marks failed. A failure is recorded by its type only, in the status and the exception
    event (no message, no stack trace: a message may quote input or a driver's values)."""

    __slots__ = ()

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        otel_context.detach(self._token)
        span = self.span
        if isinstance(exc, Exception) and span.is_recording():
            if isinstance(exc, DomainError):
                span.set_attribute(REFUSAL_ATTRIBUTE, exc.code)
            else:
                mark_failed(span, exc, record=self._record, status=self._set_status)
        if self._end:
            span.end()
