"""A call to an outside provider (SMS gateway, real-name authority, payment rail): a CLIENT span
in the request's trace and a point of `unionhub.provider.request.duration`, both with the
call's outcome, so an operator finds which provider call made a request slow or failed it.

    with provider_call("sms", provider.name, "send_code", sms_outcome):
        await provider.send_code(phone, code, purpose)

The span is named `<kind> <operation>` (`sms send_code`, `identity verify`) and holds the
provider's name, the operation and the outcome only: never the phone, name, ID number or
amount sent. An outcome other than `ok` sets its status to ERROR (the outcome and the
exception's type, never its message), so the tail export keeps the trace. Metric attributes
are bounded: `kind`, `provider` (configured names) and `outcome` (the caller's few values).
"""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter
from types import TracebackType

from opentelemetry.trace import SpanKind

from unionhub.observability.current_span import CurrentSpan
from unionhub.observability.metrics import PROVIDER_DURATION
from unionhub.observability.span_failure import mark_failed
from unionhub.observability.tracing import start_span

OK = "ok"


def _error(_: BaseException) -> str:
    return "error"


class provider_call:  # (lower case: used as a `with` statement, like a function)
    """`outcome_of` names a failure's outcome from its exception (default `error`)."""

    __slots__ = ("_scope", "_started", "kind", "operation", "outcome_of", "provider")

    def __init__(self, kind: str, provider: str, operation: str,
                 outcome_of: Callable[[BaseException], str] = _error) -> None:
        self.kind, self.provider, self.operation = kind, provider, operation
        self.outcome_of = outcome_of

    def __enter__(self) -> provider_call:
        span = start_span(f"{self.kind} {self.operation}", kind=SpanKind.CLIENT, attributes={
            "unionhub.provider.kind": self.kind, "unionhub.provider.name": self.provider,
            "unionhub.provider.operation": self.operation})
        self._scope = CurrentSpan(span, record=False, set_status=False)
        self._scope.__enter__()
        self._started = perf_counter()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        elapsed = perf_counter() - self._started
        outcome = OK if exc is None else self.outcome_of(exc)
        PROVIDER_DURATION.record(elapsed, {"kind": self.kind, "provider": self.provider,
                                           "outcome": outcome})
        span = self._scope.span
        if span.is_recording():
            span.set_attribute("unionhub.provider.outcome", outcome)
            if exc is not None:
                mark_failed(span, exc, f"{outcome} ({type(exc).__name__})", record=False)
        self._scope.__exit__(None, None, None)
