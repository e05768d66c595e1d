"""RED figures per GraphQL operation (rate, errors, duration) for the operators' console, read
from the same in-process instruments /metrics exports: the operation-duration histogram (its
count is the operation count) and the error totals `schema.operation_metrics` keeps beside its
error counter.

A window's figures are differences against the oldest snapshot at least `window` old among
those this process kept (one per 2 s at most, for 15 minutes), or against the process's start
when it has none that old. Percentiles are bucket upper bounds (what Prometheus's
histogram_quantile would interpolate, rounded up to a bound). The figures are this process's:
across several processes or subgraphs, Prometheus (deploy/prometheus) adds them up.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

from unionhub.observability.hot_metrics import HotHistogram
from unionhub.observability.metrics import GRAPHQL_OPERATION_DURATION

# (operation name, error code) -> errors, since the process started (operation_metrics adds).
ERROR_TOTALS: dict[tuple[str, str], int] = {}

_KEEP_SECONDS = 900.0
_EVERY_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class _Cell:
    count: int
    buckets: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Snapshot:
    at: float
    cells: dict[tuple[str, str], _Cell]  # (type, name) -> cumulative
    errors: dict[tuple[str, str], int]


@dataclass
class OperationFigures:
    operation_type: str
    operation_name: str
    count: int
    rate_per_second: float
    errors: int
    errors_by_code: dict[str, int] = field(default_factory=dict)
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None

    @property
    def error_rate(self) -> float | None:
        return self.errors / self.count if self.count else None


@dataclass
class RedReport:
    at: float
    window_seconds: float
    metrics_enabled: bool
    operations: list[OperationFigures]


_started = time.time()
_history: deque[Snapshot] = deque()


def _snapshot(histogram: HotHistogram) -> Snapshot:
    cells = {}
    for key, cell in list(histogram._cells.items()):  # one C-level copy beside the loop
        op_type, name = (*key, None, None)[:2]
        cells[(str(op_type), str(name))] = _Cell(cell.count, tuple(cell.counts))
    return Snapshot(time.time(), cells, dict(ERROR_TOTALS))


def _quantile(bounds: tuple[float, ...], buckets: list[int], total: int, q: float,
              ) -> float | None:
    if total <= 0:
        return None
    wanted, seen = q * total, 0
    for index, count in enumerate(buckets):
        seen += count
        if seen >= wanted:
            bound = bounds[index] if index < len(bounds) else bounds[-1]
            return round(bound * 1000, 3)
    return round(bounds[-1] * 1000, 3)


def red(window_seconds: float = 60.0, histogram: HotHistogram = GRAPHQL_OPERATION_DURATION,
        ) -> RedReport:
    now = _snapshot(histogram)
    while _history and now.at - _history[0].at > _KEEP_SECONDS:
        _history.popleft()
    base = None
    for old in _history:  # oldest first: the newest at least `window` old wins
        if now.at - old.at >= window_seconds:
            base = old
    if not _history or now.at - _history[-1].at >= _EVERY_SECONDS:
        _history.append(now)
    base = base or Snapshot(_started, {}, {})
    elapsed = max(now.at - base.at, 1e-9)
    figures = []
    for (op_type, name), cell in sorted(now.cells.items(), key=lambda kv: kv[0][1]):
        before = base.cells.get((op_type, name), _Cell(0, (0,) * len(cell.buckets)))
        count = cell.count - before.count
        buckets = [a - b for a, b in zip(cell.buckets, before.buckets, strict=True)]
        codes = {code: total - base.errors.get((op, code), 0)
                 for (op, code), total in now.errors.items() if op == name}
        codes = {code: n for code, n in codes.items() if n}
        figures.append(OperationFigures(
            operation_type=op_type, operation_name=name, count=count,
            rate_per_second=round(count / elapsed, 4), errors=sum(codes.values()),
            errors_by_code=codes,
            p50_ms=_quantile(histogram.bounds, buckets, count, 0.5),
            p95_ms=_quantile(histogram.bounds, buckets, count, 0.95),
            p99_ms=_quantile(histogram.bounds, buckets, count, 0.99)))
    return RedReport(at=now.at, window_seconds=round(elapsed, 3),
                     metrics_enabled=HotHistogram.enabled, operations=figures)


def reset() -> None:
    """Tests only: forget the snapshots and error totals."""
    global _started
    _history.clear()
    ERROR_TOTALS.clear()
    _started = time.time()
