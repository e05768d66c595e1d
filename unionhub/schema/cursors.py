"""Relay cursors (docs/frontend.md, "Paging"): opaque to clients, they hold the sort values of
their row, ending with the id. `k:<id>` for id-ordered lists (the cursors apps already hold),
`v:<json values>` otherwise; datetimes as `{"t": iso}`, decimals as floats, enums by value.
A cursor that is not one of these is BAD_CURSOR."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from unionhub.errors import ValidationFailed

# json.dumps(values, separators=...) builds an encoder per call: one per edge of every page.
_CURSOR_JSON = json.JSONEncoder(separators=(",", ":"))
_AS_IS = frozenset((int, str, float, bool))


def encode_cursor(key: int | Sequence[Any]) -> str:
    """`k:<id>` for id-ordered lists (the cursors apps already hold), else `v:<json values>`."""
    if isinstance(key, int):
        raw = f"k:{key}"
    else:
        raw = "v:" + _CURSOR_JSON.encode([v if type(v) in _AS_IS else _plain(v) for v in key])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, Decimal):
        return float(value)
    return getattr(value, "value", value)  # enums by value


def _typed(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"t"}:
        return datetime.fromisoformat(value["t"])
    if isinstance(value, (dict, list)):
        raise ValueError
    return value


def decode_cursor(cursor: str, *, field: str = "after", length: int = 1,
                  id_tail: bool = True) -> list[Any]:
    try:
        kind, _sep, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "k" and length == 1:
            return [int(value)]
        if kind != "v":
            raise ValueError
        values = [_typed(v) for v in json.loads(value)]
        if len(values) != length or (id_tail and not isinstance(values[-1], int)):
            raise ValueError
        return values
    except (ValueError, UnicodeDecodeError, TypeError):
        raise ValidationFailed("cursor is not valid", field=field, code="BAD_CURSOR") from None
