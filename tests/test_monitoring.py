"""The Grafana dashboard and the Prometheus alert rules in deploy/ cannot rot (issue 19): the
dashboard matches its schema, every metric either names is one the platform exports (named
by the Prometheus exporter itself from observability/metrics.py's instruments), and promtool
(Debian's prometheus package; .ci/run installs it) parses every query and runs the rules'
unit tests."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from unionhub.fastpath import hot_metrics
from unionhub.observability import metrics, metrics_setup

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
DASHBOARD = DEPLOY / "grafana" / "unionhub.json"
SCHEMA = DEPLOY / "grafana" / "dashboard.schema.json"
RULES = DEPLOY / "prometheus" / "alerts.yml"
# alerts.test.yml, first-counts.test.yml (single events in a new process), providers.test.yml.
RULE_TESTS = sorted((DEPLOY / "prometheus").glob("*.test.yml"))
PROMTOOL = shutil.which("promtool")
# Skipped without promtool on a developer's machine; in CI (.ci/run installs it) never.
needs_promtool = pytest.mark.skipif(PROMTOOL is None and os.environ.get("CI") != "true",
                                    reason="promtool not installed (.ci/run installs "
                                           "Debian's prometheus package)")


def _dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def _dashboard_queries() -> list[tuple[str, str]]:
    return [(f"panel {p['id']} {t['refId']}", t["expr"]) for p in _dashboard()["panels"]
            for t in p.get("targets", ())]


def _rule_queries() -> list[tuple[str, str]]:
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    return [(rule["alert"], rule["expr"]) for group in groups for rule in group["rules"]]


def _exported_names() -> set[str]:
    """The series names /metrics can hold: each instrument of observability/metrics.py (and
    the observed ones) recreated on a scratch provider, named by the Prometheus exporter."""
    from opentelemetry.exporter.prometheus import PrometheusMetricReader
    from opentelemetry.metrics import Observation
    from opentelemetry.sdk.metrics import MeterProvider
    from prometheus_client import CollectorRegistry, generate_latest

    registry = CollectorRegistry()
    provider = MeterProvider(metric_readers=[PrometheusMetricReader(registry=registry)])
    meter = provider.get_meter("scratch")
    for value in vars(metrics).values():
        if isinstance(value, hot_metrics.HotHistogram):
            meter.create_histogram(value.name, value.unit).record(1.0)
            continue
        kind = type(value).__name__
        name, unit = getattr(value, "_name", None), getattr(value, "_unit", "")
        if name is None:
            continue
        if "Histogram" in kind:
            meter.create_histogram(name, unit).record(1.0)
        elif "UpDownCounter" in kind:
            meter.create_up_down_counter(name, unit).add(1)
        elif "Counter" in kind:
            meter.create_counter(name, unit).add(1)
        elif "Gauge" in kind:
            meter.create_gauge(name, unit).set(1)
    for kind, name, unit, _, _ in metrics_setup.OBSERVED:
        create = (meter.create_observable_up_down_counter if kind == "up_down_counter"
                  else meter.create_observable_gauge)
        create(name, [lambda _: [Observation(1)]], unit)
    text = generate_latest(registry).decode()
    provider.shutdown()
    return {line.split("{")[0].split(" ")[0] for line in text.splitlines()
            if line and not line.startswith("#")}


_NAME = re.compile(r"\b((?:unionhub|http|db)_[a-z0-9_]+)\b")
_LABELS = re.compile(r"\{[^}]*\}")


def test_the_dashboard_matches_its_schema():
    dashboard = _dashboard()
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(
        dashboard)
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids)), "panel ids repeat"
    cells: set[tuple[int, int]] = set()
    for panel in dashboard["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
        mine = {(x, y) for x in range(grid["x"], grid["x"] + grid["w"])
                for y in range(grid["y"], grid["y"] + grid["h"])}
        assert not mine & cells, f"panel {panel['title']!r} overlaps another"
        cells |= mine
        refs = [t["refId"] for t in panel.get("targets", ())]
        assert len(refs) == len(set(refs)), panel["title"]


def test_every_metric_queried_is_one_the_platform_exports():
    exported = _exported_names()
    assert "unionhub_graphql_operation_duration_seconds_bucket" in exported  # (the check works)
    for where, query in [*_dashboard_queries(), *_rule_queries()]:
        # Label values ("MemberByCard", "db_system_name!=...") are not metric names.
        names = set(_NAME.findall(_LABELS.sub("{}", query))) - _label_names(query)
        missing = names - exported
        assert not missing, f"{where} queries {sorted(missing)}, which nothing exports"


def _label_names(query: str) -> set[str]:
    grouped = re.findall(r"\b(?:by|without)\s*\(([^)]*)\)", query)
    return {name.strip() for group in grouped for name in group.split(",")}


def test_every_alert_has_a_runbook_entry():
    operators = (DEPLOY / "OPERATORS.md").read_text(encoding="utf-8")
    anchors = {_anchor(line) for line in operators.splitlines() if line.startswith("#")}
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    for group in groups:
        for rule in group["rules"]:
            runbook = rule["annotations"]["runbook"]
            assert runbook.startswith("deploy/OPERATORS.md#"), rule["alert"]
            assert runbook.split("#", 1)[1] in anchors, f"{rule['alert']}: no section {runbook}"


def _anchor(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    text = heading.lstrip("#").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _promtool(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PROMTOOL, *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd, check=False)


def test_every_alert_has_a_rule_test_that_fires_it():
    """A rule without a promtool test that sees it fire may never fire (a label or metric
    renamed, a threshold it cannot reach): each alert needs one case with expected alerts."""
    fired: set[str] = set()
    for path in RULE_TESTS:
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]:
            for check in case.get("alert_rule_test", ()):
                if check.get("exp_alerts"):
                    fired.add(check["alertname"])
    alerts = {rule["alert"] for group in yaml.safe_load(RULES.read_text(encoding="utf-8"))[
        "groups"] for rule in group["rules"]}
    assert not alerts - fired, f"no rule test fires {sorted(alerts - fired)}"


@needs_promtool
def test_promtool_checks_the_alert_rules_and_their_unit_tests():
    checked = _promtool("check", "rules", str(RULES))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert len(RULE_TESTS) >= 3, RULE_TESTS
    tested = _promtool("test", "rules", *(p.name for p in RULE_TESTS), cwd=RULES.parent)
    assert tested.returncode == 0, tested.stdout + tested.stderr


@needs_promtool
def test_promtool_parses_every_dashboard_query(tmp_path):
    rules = [{"record": f"dashboard:panel_{i}", "expr": expr.replace("$__rate_interval", "5m")}
             for i, (_, expr) in enumerate(_dashboard_queries())]
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    checked = _promtool("check", "rules", str(path))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_an_alert_selects_the_series_its_label_matchers_name():
    """tests/metrics_helpers.selects, which the tests of the code behind each alert use
    (assert_alert_watches) to tie the attributes the code emits to the rule."""
    from tests.metrics_helpers import selects

    fallback = "unionhub.ratelimit.fallback"
    assert selects("UnionHubRateLimitsPerProcess", fallback,
                   {"limit": "login-pair", "outcome": "per_process"})
    assert not selects("UnionHubRateLimitsPerProcess", fallback,
                       {"limit": "idverify-member", "outcome": "refused"})
    assert not selects("UnionHubRateLimitsPerProcess", "unionhub.sms.requests",
                       {"outcome": "per_process"})
    # A ratio's bare denominator selects nothing by itself.
    sms = "unionhub.sms.requests"
    assert selects("UnionHubSmsOutcomeUnknown", sms, {"provider": "aliyun", "outcome": "unknown"})
    assert not selects("UnionHubSmsOutcomeUnknown", sms, {"provider": "aliyun", "outcome": "ok"})
    assert selects("UnionHubSmsProviderUnavailable", sms, {"outcome": "unavailable"})
    assert not selects("UnionHubSmsProviderUnavailable", sms, {"outcome": "unknown"})
    assert selects("UnionHubErrorRateHigh", "unionhub.graphql.operation.errors",
                   {"error.code": "SERVICE_UNAVAILABLE"})
    assert not selects("UnionHubErrorRateHigh", "unionhub.graphql.operation.errors",
                       {"error.code": "BAD_USER_INPUT"})
