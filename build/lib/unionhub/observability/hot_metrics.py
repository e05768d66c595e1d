"""Histograms recorded on the hot path at a fraction of the SDK instrument's cost.

The SDK's `Histogram.record` costs ~6 µs on this machine type (a Measurement object, the
attributes validated and hashed recursively, three locks, an exemplar filter reading the
current span): three of them per member lookup (HTTP, GraphQL operation, Redis command) would
be ~6 % of its throughput, over issue 19's 3 %. A `HotHistogram` keeps the same explicit-bucket
aggregation in plain Python (a tuple of attribute values as the key, a bisect into the
boundaries, five updates; ~0.5 µs) and `merge_into` adds its cumulative data points, as the
SDK's own `Metric`/`HistogramDataPoint` objects, to what the MeterProvider collects for every
reader (Prometheus, OTLP, in-memory), so they are exported beside the SDK instruments'.

The loop thread writes; a reader's collection may run on another thread (the periodic OTLP
reader): under the GIL a data point copied there may miss a measurement made meanwhile, never
corrupt one. Cumulative temporality always (OTLP lets each metric say its own).
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

from opentelemetry.sdk.metrics.export import (
    AggregationTemporality,
    Histogram,
    HistogramDataPoint,
    Metric,
    MetricsData,
    ResourceMetrics,
    ScopeMetrics,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.util.instrumentation import InstrumentationScope

# Seconds: the semantic conventions' HTTP/DB boundaries with finer steps under 10 ms, where
# the member lookup's p50 and p99 fall.
DURATION_BOUNDS = (0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25,
                   0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0)

_SCOPE = InstrumentationScope("unionhub.hot")


class _Cell:
    __slots__ = ("attributes", "count", "counts", "max", "min", "total")

    def __init__(self, attributes: dict[str, Any], buckets: int) -> None:
        self.attributes = attributes
        self.counts = [0] * buckets
        self.count = 0
        self.total = 0.0
        self.min = float("inf")
        self.max = float("-inf")


class HotHistogram:
    """`record(value, (v1, v2, ...))`: the values of `attribute_names`, in their order."""

    enabled = False  # switched on by `observability.metrics_setup.setup_metrics`

    def __init__(self, name: str, unit: str, description: str, attribute_names: Sequence[str],
                 bounds: Sequence[float] = DURATION_BOUNDS) -> None:
        self.name, self.unit, self.description = name, unit, description
        self.attribute_names = tuple(attribute_names)
        self.bounds = tuple(bounds)
        self._cells: dict[tuple[Any, ...], _Cell] = {}
        self._start = time.time_ns()

    def record(self, value: float, key: tuple[Any, ...]) -> None:
        if not HotHistogram.enabled:
            return
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cells[key] = _Cell(
                {n: v for n, v in zip(self.attribute_names, key, strict=True) if v is not None},
                len(self.bounds) + 1)
        # OpenTelemetry's buckets are upper-inclusive: (b[i-1], b[i]].
        cell.counts[bisect_left(self.bounds, value)] += 1
        cell.count += 1
        cell.total += value
        if value < cell.min:
            cell.min = value
        if value > cell.max:
            cell.max = value

    def metric(self, now_ns: int) -> Metric | None:
        cells = list(self._cells.values())  # one C-level copy: safe beside the loop's writes
        if not cells:
            return None
        points = [HistogramDataPoint(
            attributes=dict(c.attributes), start_time_unix_nano=self._start,
            time_unix_nano=now_ns, count=sum(counts), sum=c.total, bucket_counts=counts,
            explicit_bounds=self.bounds, min=c.min, max=c.max)
            for c in cells for counts in (list(c.counts),)]
        return Metric(name=self.name, description=self.description, unit=self.unit,
                      data=Histogram(data_points=points,
                                     aggregation_temporality=AggregationTemporality.CUMULATIVE))

    def reset(self) -> None:
        """Tests only: forget every measurement."""
        self._cells.clear()
        self._start = time.time_ns()


REGISTRY: list[HotHistogram] = []


def hot_histogram(name: str, unit: str, description: str,
                  attribute_names: Sequence[str]) -> HotHistogram:
    histogram = HotHistogram(name, unit, description, attribute_names)
    REGISTRY.append(histogram)
    return histogram


def merge_into(collected: MetricsData | None, resource: Resource) -> MetricsData | None:
    """What the MeterProvider collected for a reader, plus the hot histograms' data points."""
    now = time.time_ns()
    metrics = [m for m in (h.metric(now) for h in REGISTRY) if m is not None]
    if not metrics:
        return collected
    scope = ScopeMetrics(scope=_SCOPE, metrics=metrics, schema_url="")
    if collected is None or not collected.resource_metrics:
        return MetricsData(resource_metrics=[ResourceMetrics(
            resource=resource, scope_metrics=[scope], schema_url=resource.schema_url)])
    first, *rest = collected.resource_metrics
    merged = ResourceMetrics(resource=first.resource, scope_metrics=[*first.scope_metrics, scope],
                             schema_url=first.schema_url)
    return MetricsData(resource_metrics=[merged, *rest])
