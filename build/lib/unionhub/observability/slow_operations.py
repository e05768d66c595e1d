"""Keep the slowest GraphQL operations, with their slowest child spans, for operators.

A span processor watches operation spans (marked `unionhub.operation`). While an operation is
in flight it keeps its trace's finished child spans; when the operation ends over the
threshold, a record (trace id, name, duration, slowest children) is queued. `flush` moves the
queue into a Redis sorted set scored by duration and trimmed to the slowest `kept`, so every
process of every subgraph shares one list. Span names and durations, and of each child's
attributes only the safe ones (`SAFE_ATTRIBUTES`: a database span's operation, table and row
count), never a statement or a value, so no personal data.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor
from opentelemetry.trace import StatusCode

from unionhub.cache import get_redis, safe
from unionhub.observability.lean_span import (
    OPERATION_ATTRIBUTE,
    Child,
    LeanSpan,
    add_child,
    slowest_children,
)

_KEY = "slowops:v1"
_TRACKED_TRACES_MAX = 10_000


@dataclass
class SlowSpan:
    name: str
    duration_ms: float
    operation: str | None = None  # db.operation.name
    table: str | None = None  # db.collection.name
    row_count: int | None = None  # db.response.returned_rows

    @classmethod
    def of(cls, child: Child) -> SlowSpan:
        name, duration_ns, attributes = child
        safe: dict[str, Any] = {}
        if attributes:
            for key, field_name in SAFE_ATTRIBUTES.items():
                value = attributes.get(key)
                if value is not None:
                    safe[field_name] = value
        return cls(name=name, duration_ms=round(duration_ns / 1e6, 3), **safe)


# The attributes a record keeps: names and counts, never statements or values.
SAFE_ATTRIBUTES = {"db.operation.name": "operation", "db.collection.name": "table",
                   "db.response.returned_rows": "row_count"}


@dataclass
class SlowOperationRecord:
    trace_id: str
    operation_name: str
    duration_ms: float
    at: float  # unix seconds
    slowest_spans: list[SlowSpan] = field(default_factory=list)
    span_id: str | None = None  # the operation span's (records kept before it have none)
    failed: bool = False  # the operation span's status is ERROR

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> SlowOperationRecord:
        data = json.loads(raw)
        data["slowest_spans"] = [SlowSpan(**s) for s in data["slowest_spans"]]
        return cls(**data)


def _failed(span: ReadableSpan) -> bool:
    status = getattr(span, "status", None)
    return status is not None and status.status_code == StatusCode.ERROR


class SlowOperationRecorder(SpanProcessor):
    """Runs on every span's start and end, so it does next to nothing there. A lean span
    (`observability.lean_span`, every span of ours and the database spans) carries its
    operation's list of finished children and adds itself to it at its end; this processor
    only registers each operation at its start and, at its end, turns a slow one into a
    record. Spans from other tracers (the SDK's own) are matched to their operation by trace
    id, as (name, duration in ns) tuples; durations are rounded only for a record that is kept.
    """

    def __init__(self, threshold_ms: float, kept: int) -> None:
        self.threshold_ms = threshold_ms
        self.kept = kept
        # trace id -> (the operation span's id, its finished children): for non-lean spans
        self._children: dict[int, tuple[int, list[Child]]] = {}
        self._lock = threading.Lock()
        self.pending: deque[SlowOperationRecord] = deque(maxlen=1000)

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        if type(span) is LeanSpan:
            children = span._children
            if children is None or not span._operation:
                return
        else:
            attributes = span._attributes  # the SDK's own mapping: `.attributes` copies it
            if not attributes or not attributes.get(OPERATION_ATTRIBUTE):
                return
            children = []
        context = span.context
        if len(self._children) < _TRACKED_TRACES_MAX:  # one store, atomic under the GIL
            self._children[context.trace_id] = (context.span_id, children)

    def on_end(self, span: ReadableSpan) -> None:
        if type(span) is LeanSpan and span._children is None:
            return  # in no operation
        context = span.context
        tracked = self._children.get(context.trace_id)
        if tracked is None:
            return
        operation_id, children = tracked
        if context.span_id != operation_id:
            if type(span) is not LeanSpan:  # (a lean span has added itself)
                with self._lock:
                    add_child(children, span.name, span.end_time - span.start_time,
                              span.attributes)
            return
        self._children.pop(context.trace_id, None)
        duration_ns = span.end_time - span.start_time
        if duration_ns >= self.threshold_ms * 1e6:
            with self._lock:
                slowest = slowest_children(children)
            self.pending.append(SlowOperationRecord(
                trace_id=format(context.trace_id, "032x"), operation_name=span.name,
                duration_ms=round(duration_ns / 1e6, 3), at=time.time(),
                slowest_spans=[SlowSpan.of(child) for child in slowest],
                span_id=format(context.span_id, "016x"), failed=_failed(span),
            ))

    async def flush(self) -> None:
        if not self.pending:
            return
        records = []
        while self.pending:
            records.append(self.pending.popleft())
        pipe = get_redis().pipeline(transaction=False)
        pipe.zadd(_KEY, {r.to_json(): r.duration_ms for r in records})
        pipe.zremrangebyrank(_KEY, 0, -self.kept - 1)
        await safe(pipe.execute(), None)

    async def slowest(self, since: float | None = None, first: int = 50) -> list[SlowOperationRecord]:
        await self.flush()
        raw = await safe(get_redis().zrevrange(_KEY, 0, -1), [])
        records = [SlowOperationRecord.from_json(r) for r in raw]
        if since is not None:
            records = [r for r in records if r.at >= since]
        return records[:first]

    async def find(self, trace_id: str) -> SlowOperationRecord | None:
        """The kept record of one trace (the console's trace lookup), or None: the list is
        short (`kept`), so it is scanned."""
        wanted = trace_id.strip().lower()
        if len(wanted) != 32 or any(ch not in "0123456789abcdef" for ch in wanted):
            return None
        await self.flush()
        for raw in await safe(get_redis().zrevrange(_KEY, 0, -1), []):
            text = raw.decode() if isinstance(raw, bytes) else raw
            if f'"trace_id":"{wanted}"' in text:
                return SlowOperationRecord.from_json(text)
        return None

    def shutdown(self) -> None:
        return None

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True
