"""The printed schema is committed: the platform schema and each subgraph's SDL (as
`unionhub sdl [--subgraph X]` prints it) live in unionhub/schema/snapshots/, so every API change
shows up in review as a schema diff. Regenerate after an intended change with

    UNIONHUB_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_schema_snapshot.py
"""

from __future__ import annotations

import difflib
import os
import re

import pytest

from tests.schema_print import SNAPSHOTS, printed, snapshot_path
from unionhub.domains import DOMAINS
from unionhub.schema import breaking
from unionhub.schema.builder import FEDERATION_VERSION

UPDATE = os.environ.get("UNIONHUB_UPDATE_SNAPSHOTS") == "1"
REGENERATE = "UNIONHUB_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_schema_snapshot.py"


@pytest.mark.parametrize("subgraph", [None, *DOMAINS], ids=["platform", *DOMAINS])
def test_schema_matches_its_snapshot(subgraph):
    path = snapshot_path(subgraph)
    current = printed(subgraph)
    if UPDATE:
        path.write_text(current, encoding="utf-8")
    assert path.exists(), f"no snapshot {path.name}; create it with:\n    {REGENERATE}"
    committed = path.read_text(encoding="utf-8")
    if committed != current:
        diff = "".join(difflib.unified_diff(
            committed.splitlines(keepends=True), current.splitlines(keepends=True),
            fromfile=f"{path.name} (committed)", tofile=f"{path.name} (code)", n=2))
        pytest.fail(f"the schema differs from {path.relative_to(SNAPSHOTS.parents[2])}.\n"
                    f"{_breaking_lines(committed, current)}"
                    f"If the change is intended, regenerate and commit the snapshot:\n"
                    f"    {REGENERATE}\n\n{diff}", pytrace=False)


def _breaking_lines(committed: str, current: str) -> str:
    """Every breaking change the diff makes, named, so review sees them (the CI check
    `python -m unionhub.schema.breaking` then needs each listed as intended)."""
    changes = breaking.breaking_changes(breaking.load_sdl(committed), breaking.load_sdl(current))
    return "".join(f"BREAKING: {c}\n" for c in changes)


def test_no_stale_snapshots():
    expected = {snapshot_path(s).name for s in (None, *DOMAINS)}
    present = {p.name for p in SNAPSHOTS.glob("*.graphql")}
    assert present - expected == set(), "snapshots of no schema: delete them"
    assert expected - present == set(), f"missing snapshots; create them with:\n    {REGENERATE}"


@pytest.mark.parametrize("subgraph", DOMAINS)
def test_subgraphs_are_federation_2_and_declare_their_entities(subgraph):
    sdl = printed(subgraph)
    link = re.search(r'schema @link\(url: "https://specs\.apollo\.dev/federation/v([\d.]+)"', sdl)
    assert link and link.group(1) == FEDERATION_VERSION == "2.9"
    # Every subgraph serves the shared entities, keyed by id, so a router can join them.
    assert re.search(r'^type Member @key\(fields: "id"\)', sdl, re.M)
    assert re.search(r'^type Union @key\(fields: "id"\)', sdl, re.M)
    assert "_entities(representations: [_Any!]!): [_Entity]!" in sdl
    assert "_service: _Service!" in sdl


def test_identity_sdl_carries_the_tier_directives():
    sdl = printed("identity")
    assert "@authenticated" in sdl and "@requiresScopes" in sdl
    assert re.search(r"^  me: Member @authenticated$", sdl, re.M)
    assert re.search(r'slowOperations\(.*?\): \[SlowOperation!\]! @authenticated '
                     r'@requiresScopes\(scopes: \[\["tier:operator"\]\]\)', sdl, re.S)
    # Public fields carry no directive.
    assert re.search(r"^  unions\(\n[^)]*parentId: ID = null\n  \): \[Union!\]! @deprecated\(", sdl,
                     re.M)
    assert re.search(r"^  \): UnionConnection!$", sdl, re.M)


def test_a_snapshot_diff_names_its_breaking_changes():
    committed = snapshot_path(None).read_text(encoding="utf-8")
    changed = committed.replace("  categories: [Category!]!", "  categories: [Category!]", 1)
    assert _breaking_lines(committed, changed) == (
        "BREAKING: Field Query.categories changed type from [Category!]! to [Category!].\n")
