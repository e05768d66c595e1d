"""Reading identity's materialized org paths ("/1/5/23/")."""

from __future__ import annotations

from typing import Any

from unionhub.services.models import MAX_DEPTH


def path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def depth_of(path: str) -> int:
    """0 for a root org, 1 for its children, ..."""
    return len(path_ids(path)) - 1


def parent_id(path: str) -> int | None:
    ids = path_ids(path)
    return ids[-2] if len(ids) > 1 else None


def ancestor_columns(path: str) -> dict[str, Any]:  # int | None values, for Model.create(**)
    """The org_d0..org_d4 values of a request handled by the org at `path`."""
    ids = path_ids(path)
    if len(ids) > MAX_DEPTH:
        raise ValueError("org tree deeper than the five union levels")
    return {f"org_d{d}": (ids[d] if d < len(ids) else None) for d in range(MAX_DEPTH)}


def depth_column(path: str) -> str:
    return f"org_d{depth_of(path)}"
