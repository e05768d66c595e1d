"""`with tracer.start_as_current_span(...)` for a span already started, on public API only."""

from __future__ import annotations

from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode

from unionhub.errors import DomainError

# A refusal (a DomainError: access denied, not found, invalid input, rate limited) is the
# caller's mistake, answered with its code; only other exceptions are server failures.
REFUSAL_ATTRIBUTE = "unionhub.refusal"


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
                if self._record:
                    kind = type(exc)
                    span.add_event("exception", {
                        "exception.type": f"{kind.__module__}.{kind.__qualname__}",
                        "exception.escaped": "False"})
                if self._set_status:
                    span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
        if self._end:
            span.end()
