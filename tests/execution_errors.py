"""An execution result's errors as comparable data, for the tests that hold the compiled
executor to the reference one."""

from __future__ import annotations

from typing import Any


def _errors(result: Any) -> list[dict[str, Any]] | None:
    if not result.errors:
        return None
    # The original error's type and the extensions too: masking and logging decide on them.
    return [{"message": e.message, "locations": e.locations and [tuple(x) for x in e.locations],
             "path": e.path, "extensions": e.extensions,
             "original": type(e.original_error).__name__ if e.original_error else None}
            for e in result.errors]
