"""Reading the session's in-memory metric reader (tests/conftest.py's METRIC_READER)."""

from __future__ import annotations

from typing import Any

from tests.conftest import METRIC_READER


def points(name: str) -> list[Any]:
    data = METRIC_READER.get_metrics_data()
    found = []
    for resource in data.resource_metrics if data else ():
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                if metric.name == name:
                    found.extend(metric.data.data_points)
    return found


def total(name: str, wanted: dict[str, Any] | None = None) -> float:
    """The sum (counters) or count (histograms) over the points whose attributes include
    `wanted`."""
    wanted = wanted or {}
    result = 0.0
    for point in points(name):
        if all(point.attributes.get(k) == v for k, v in wanted.items()):
            result += point.count if hasattr(point, "bucket_counts") else point.value
    return result


def attribute_sets(name: str) -> list[dict[str, Any]]:
    return [dict(p.attributes) for p in points(name)]
