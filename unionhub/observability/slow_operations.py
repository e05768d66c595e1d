"""Keep the slowest GraphQL operations, with their slowest child spans, for operators.

A span processor watches operation spans (marked `unionhub.operation`). While an operation is
in flight it keeps its trace's finished child spans; when the operation ends over the
threshold, a record (trace id, name, duration, slowest children) is queued. `flush` moves the
queue into a Redis sorted set scored by duration and trimmed to the slowest `kept`, so every
process of every subgraph shares one list. Span names and durations only: no attributes, so no
personal data.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor

from unionhub.cache import get_redis, safe

OPERATION_ATTRIBUTE = "unionhub.operation"
_KEY = "slowops:v1"
_CHILDREN_KEPT = 5
_TRACKED_TRACES_MAX = 10_000


@dataclass
class SlowSpan:
    name: str
    duration_ms: float


@dataclass
class SlowOperationRecord:
    trace_id: str
    operation_name: str
    duration_ms: float
    at: float  # unix seconds
    slowest_spans: list[SlowSpan] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> SlowOperationRecord:
        data = json.loads(raw)
        data["slowest_spans"] = [SlowSpan(**s) for s in data["slowest_spans"]]
        return cls(**data)


class SlowOperationRecorder(SpanProcessor):
    def __init__(self, threshold_ms: float, kept: int) -> None:
        self.threshold_ms = threshold_ms
        self.kept = kept
        self._children: dict[int, list[SlowSpan]] = {}
        self._lock = threading.Lock()
        self.pending: deque[SlowOperationRecord] = deque(maxlen=1000)

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        if span.attributes and span.attributes.get(OPERATION_ATTRIBUTE):
            with self._lock:
                if len(self._children) < _TRACKED_TRACES_MAX:
                    self._children[span.context.trace_id] = []

    def on_end(self, span: ReadableSpan) -> None:
        trace_id = span.context.trace_id
        duration_ms = ((span.end_time or 0) - (span.start_time or 0)) / 1e6
        if span.attributes and span.attributes.get(OPERATION_ATTRIBUTE):
            with self._lock:
                children = self._children.pop(trace_id, [])
            if duration_ms >= self.threshold_ms:
                children.sort(key=lambda s: s.duration_ms, reverse=True)
                self.pending.append(SlowOperationRecord(
                    trace_id=format(trace_id, "032x"), operation_name=span.name,
                    duration_ms=round(duration_ms, 3), at=time.time(),
                    slowest_spans=children[:_CHILDREN_KEPT],
                ))
            return
        with self._lock:
            children = self._children.get(trace_id)
            if children is None:
                return
            children.append(SlowSpan(name=span.name, duration_ms=round(duration_ms, 3)))
            if len(children) > 4 * _CHILDREN_KEPT:  # stay bounded on operations with many spans
                children.sort(key=lambda s: s.duration_ms, reverse=True)
                del children[_CHILDREN_KEPT:]

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

    def shutdown(self) -> None:
        return None

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True
