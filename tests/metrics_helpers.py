"""Reading the session's in-memory metric reader (tests/conftest.py's METRIC_READER)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

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


# --- what the alert rules select (deploy/prometheus/alerts.yml) --------------------------------
RULES = Path(__file__).resolve().parent.parent / "deploy" / "prometheus" / "alerts.yml"
_SELECTOR = re.compile(r"\b([a-z_][a-z0-9_]*)\s*(\{[^}]*\})?")
_MATCHER = re.compile(r'(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"')
_SUFFIXES = ("_total", "_count", "_bucket", "_sum", "_seconds")


def alert_expr(alert: str) -> str:
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    [expr] = [r["expr"] for g in groups for r in g["rules"] if r.get("alert") == alert]
    return str(expr)


def _series_base(name: str) -> str:
    while name.endswith(_SUFFIXES):
        name = name[:name.rindex("_")]
    return name


def _holds(op: str, wanted: str, value: str) -> bool:
    matched = re.fullmatch(wanted, value) is not None if "~" in op else value == wanted
    return matched == (op in ("=", "=~"))


def selects(alert: str, name: str, attributes: dict[str, Any]) -> bool:
    """Whether a series of the instrument `name` with these attributes (label names are the
    attributes with dots as underscores) is one the alert's expression selects. Where the
    expression names the metric with matchers too, a bare selector (a ratio's denominator)
    does not count: one with matchers must hold."""
    labels = {k.replace(".", "_"): str(v) for k, v in attributes.items()}
    base = name.replace(".", "_")
    found = [_MATCHER.findall(matchers) for series, matchers in
             _SELECTOR.findall(alert_expr(alert)) if _series_base(series) == base]
    narrowed = [m for m in found if m] or found
    return any(all(_holds(op, wanted, labels.get(label, "")) for label, op, wanted in m)
               for m in narrowed)


def assert_alert_watches(alert: str, name: str, wanted: dict[str, Any]) -> None:
    """What the code under test emitted (the points of `name` whose attributes include
    `wanted`) is what `alert` pages on: renaming the metric, an attribute or its value in the
    code without the rule fails here instead of silencing the alert."""
    emitted = [dict(p.attributes) for p in points(name)
               if all(p.attributes.get(k) == v for k, v in wanted.items())]
    assert emitted, f"nothing emitted {name} with {wanted}"
    assert any(selects(alert, name, attrs) for attrs in emitted), (
        f"{alert} selects none of the {name} series the code emits: {emitted}")
