"""Export the traces operators need, not every trace: slow ones, failed ones, and a share.

Exporting every span costs about a fifth of the hot lookup's throughput (the OTLP exporter
encodes each span in Python on a thread of the same process; bench/README.md, "Exporting
spans"). Sampling at the head saves that, but an unsampled request records nothing, so its
slowness is lost to the trace backend and to the slow-operation list alike. This processor
sits in front of the exporting processor instead: every request is still recorded, each
process's part of a trace is held until its local root span ends, and only then is it passed
on, whole, if the root took at least `slow_ms`, if any of its spans failed, or if its trace id
falls in the `ratio` kept anyway (decided from the id, so every process keeps the same share).
The rest is dropped. Spans that end after their root follow the decision made for it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor
from opentelemetry.trace import StatusCode

_TRACES_HELD_MAX = 10_000  # traces in flight at once; beyond, the oldest is dropped
_SPANS_PER_TRACE_MAX = 512
_DECISIONS_KEPT = 10_000  # for spans that end after their root
_ID_SPACE = 1 << 64


class TailExportProcessor(SpanProcessor):
    def __init__(self, export: SpanProcessor, slow_ms: float, ratio: float) -> None:
        self.export = export
        self.slow_ns = slow_ms * 1e6
        self.bound = round(max(0.0, min(1.0, ratio)) * _ID_SPACE)
        self._held: OrderedDict[int, list[ReadableSpan]] = OrderedDict()
        self._decided: OrderedDict[int, bool] = OrderedDict()
        self._lock = threading.Lock()

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        return None

    def on_end(self, span: ReadableSpan) -> None:
        trace_id = span.context.trace_id
        parent = span.parent
        with self._lock:
            if parent is not None and not parent.is_remote:  # a child: hold it
                decided = self._decided.get(trace_id)
                if decided is None:
                    held = self._held.get(trace_id)
                    if held is None:
                        if len(self._held) >= _TRACES_HELD_MAX:
                            self._held.popitem(last=False)
                        held = self._held[trace_id] = []
                    if len(held) < _SPANS_PER_TRACE_MAX:
                        held.append(span)
                    return
                if not decided:
                    return
                spans = [span]
            else:  # the local root: decide for the whole trace
                spans = [*self._held.pop(trace_id, ()), span]
                decided = self._keep(span, spans)
                self._decided[trace_id] = decided
                if len(self._decided) > _DECISIONS_KEPT:
                    self._decided.popitem(last=False)
                if not decided:
                    return
        for kept in spans:
            self.export.on_end(kept)

    def _keep(self, root: ReadableSpan, spans: list[ReadableSpan]) -> bool:
        if (root.end_time or 0) - (root.start_time or 0) >= self.slow_ns:
            return True
        if any(s.status.status_code is StatusCode.ERROR for s in spans):
            return True
        # The low 64 bits of a W3C trace id are random: the same share in every process.
        return (root.context.trace_id & (_ID_SPACE - 1)) < self.bound

    def shutdown(self) -> None:
        self.export.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.export.force_flush(timeout_millis)
