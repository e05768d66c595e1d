"""The breaking-change check (issue 24, point 4): the committed snapshot against the last
released schema; an unmarked removal fails, a listed one (with its reason) passes."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from unionhub.schema import breaking

RELEASED = breaking.RELEASED.read_text(encoding="utf-8")


def _without_field(sdl: str, type_name: str, field: str) -> str:
    """The SDL with one field (its description and arguments too) cut out of a type."""
    body = re.search(rf"^type {type_name}\b.*?^}}", sdl, re.M | re.S)
    assert body, type_name
    block = body.group(0)
    cut = re.sub(rf'(\n  """(?:(?!""").)*"""|\n  "[^\n]*")?\n  {field}(\(.*?\))?: [^\n]*',
                 "", block, count=1, flags=re.S)
    assert cut != block, field
    return sdl.replace(block, cut)


def test_the_committed_snapshot_has_no_unmarked_breaking_change():
    report = breaking.check(breaking.SNAPSHOT.read_text(encoding="utf-8"))
    assert report.ok, "\n".join(report.lines())


def test_an_unmarked_removal_fails_and_a_marked_one_passes():
    modified = _without_field(RELEASED, "Query", "myVouchers")
    report = breaking.check(modified, RELEASED, listed={})
    assert report.unmarked == ["Field Query.myVouchers was removed."]
    assert not report.ok
    marked = breaking.check(modified, RELEASED,
                            listed={"Field Query.myVouchers was removed.": "deprecated, date passed"})
    assert marked.ok and marked.marked == ["Field Query.myVouchers was removed."]


def test_a_changed_type_and_a_new_required_argument_are_breaking():
    modified = RELEASED.replace("  myOrders(", "  myOrders(\n    mustGive: Int!\n", 1)
    modified = modified.replace("  categories: [Category!]!", "  categories: [Category!]", 1)
    report = breaking.check(modified, RELEASED, listed={})
    assert "A required argument Query.myOrders(mustGive:) was added." in report.unmarked
    assert any(c.startswith("Field Query.categories changed type") for c in report.unmarked)


def test_adding_and_deprecating_are_not_breaking():
    current = breaking.SNAPSHOT.read_text(encoding="utf-8")
    assert "unionsConnection" in current and "@deprecated" in current
    # Since the release, the only breaking changes are the sums retyped Int → Fen (listed as
    # intended, with their reason): paging's new connections and deprecations are not breaking.
    changes = breaking.check(current, RELEASED, listed={}).unmarked
    assert all(c.endswith("from Int! to Fen!.") for c in changes), changes
    assert breaking.check(current, RELEASED).unmarked == []


def test_stale_entries_are_reported_and_reasons_are_required(tmp_path):
    report = breaking.check(RELEASED, RELEASED, listed={"Query.gone was removed.": "why"})
    assert report.ok and report.stale == ["Query.gone was removed."]
    listed = tmp_path / "intended.toml"
    listed.write_text('[[change]]\ndescription = "Query.x was removed."\n', encoding="utf-8")
    with pytest.raises(ValueError, match="reason"):
        breaking.intended(listed)


def test_the_ci_command_exits_non_zero_on_an_unmarked_removal(tmp_path, monkeypatch):
    ok = subprocess.run([sys.executable, "-m", "unionhub.schema.breaking"],
                        capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    snapshot = tmp_path / "platform.graphql"
    snapshot.write_text(_without_field(RELEASED, "Query", "categories"), encoding="utf-8")
    monkeypatch.setattr(breaking, "SNAPSHOT", snapshot)
    assert breaking.main([]) == 1
