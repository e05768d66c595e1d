"""Plain text as members and cadres type it, checked before it is stored.

PostgreSQL text holds no NUL: one reached the database as an internal error, after the
request's other checks passed. Other control characters and the bidirectional overrides
(U+202A–U+202E, U+2066–U+2069, which make a title read backwards in the feed) are no one's
real input either. All are refused with CONTROL_CHARACTER; line breaks and tabs are kept where
the text has lines. (A lone surrogate never gets this far: the JSON decoder refuses it.)
"""

from __future__ import annotations

import re

from unionhub.errors import ValidationFailed

_ANY = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_IN_LINES = re.compile(f"[{_ANY}]")
_IN_ONE_LINE = re.compile(f"[{_ANY}\t\n\r]")


def check_plain(value: str, field: str, *, lines: bool = False) -> str:
    """`value` unchanged, or CONTROL_CHARACTER; `lines`: line breaks and tabs allowed."""
    if (_IN_LINES if lines else _IN_ONE_LINE).search(value):
        raise ValidationFailed(f"{field} holds a control character", field=field,
                               code="CONTROL_CHARACTER")
    return value
