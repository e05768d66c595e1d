"""The printed schema and where its committed snapshot lives, for the snapshot, contract and CLI
tests."""

from __future__ import annotations

from pathlib import Path

from unionhub.schema.builder import build_schema

SNAPSHOTS = Path(__file__).resolve().parents[1] / "unionhub" / "schema" / "snapshots"


def printed(subgraph: str | None) -> str:
    """Exactly what `unionhub sdl` prints (print() adds the final newline)."""
    return build_schema(subgraph).as_str() + "\n"


def snapshot_path(subgraph: str | None) -> Path:
    return SNAPSHOTS / f"{subgraph or 'platform'}.graphql"
