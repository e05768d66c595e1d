"""How a span of ours is marked failed: by the exception's type, never its message.

An exception's message can hold personal data or a secret: asyncpg's quote rows and values
(`Key (phone_bidx)=(...) already exists`, `invalid input for query argument $1: '...'`), a
Redis script's error its arguments, a provider's its request. The SDK's `record_exception`
puts the message and the stack trace (with the message again) into the span's `exception`
event, and the usual status is `Type: message`; spans leave the process for a collector that
keeps them and shows them to whoever operates it. So every span path (our own spans, database
and Redis spans, jobs, provider calls, the lean span's `record_exception`) marks a failure
here: an ERROR status whose description is the exception's type (or a code the caller
chose), and an `exception` event with `exception.type` and `exception.escaped` only.
"""

from __future__ import annotations

from opentelemetry.trace import Span, Status, StatusCode
from opentelemetry.util import types


def exception_type(exc: BaseException) -> str:
    """The qualified type name, as the SDK's `exception.type` (builtins unqualified)."""
    kind = type(exc)
    module = kind.__module__
    return f"{module}.{kind.__qualname__}" if module and module != "builtins" else kind.__qualname__


def exception_event(exc: BaseException, escaped: bool = False,
                    attributes: types.Attributes = None) -> dict[str, types.AnyValue]:
    """An `exception` event's attributes without `exception.message` or
    `exception.stacktrace`. Extra `attributes` may not bring them back."""
    event: dict[str, types.AnyValue] = dict(attributes or {})
    event.pop("exception.message", None)
    event.pop("exception.stacktrace", None)
    event.update({"exception.type": exception_type(exc), "exception.escaped": str(escaped)})
    return event


def mark_failed(span: Span, exc: BaseException, description: str | None = None,
                record: bool = True, status: bool = True) -> None:
    """With `status`, an ERROR status described by `description` (a code or outcome of the
    caller's, never text taken from the exception) or else the exception's type name; with
    `record`, an `exception` event holding its type only."""
    if not span.is_recording():
        return
    if record:
        span.add_event("exception", exception_event(exc))
    if status:
        span.set_status(Status(StatusCode.ERROR,
                               type(exc).__name__ if description is None else description))
