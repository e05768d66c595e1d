"""GraphQL answers with their run-to-run values (tokens, times, random names) replaced, so two
runs compare answer by answer."""

from __future__ import annotations

from typing import Any

# Values that differ from run to run whatever the mode: tokens, trace ids, times; and random
# ones (display names, card numbers), compared by where they first appear.
_VOLATILE_KEYS = {"accessToken", "refreshToken", "traceId", "at"}  # and every *At, *_at
_RANDOM_KEYS = {"displayName", "number", "cardNo"}


def _normal(value: Any, seen: dict[str, int]) -> Any:
    if isinstance(value, dict):
        return {k: ("~" if k in _VOLATILE_KEYS or k.endswith(("At", "_at")) else
                    f"#{seen.setdefault(str(v), len(seen))}" if k in _RANDOM_KEYS else
                    _normal(v, seen)) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v, seen) for v in value]
    return value
