"""Idempotency keys of the mutations a client retries after a lost answer (placeOrder,
submitServiceRequest): the key's format, and the keyed hash that binds a key to what it first
asked for, shared so both domains check a replay the same way.

The request is remembered as a keyed hash (the blind-index key) because it may hold personal
data (an address, a dispute's details). It is hashed before the blind index: the index folds
letter case (made for phones and ID numbers), so two requests differing only in case would
count as one. A replay is matched under every live key, so a key rotation between a call and
its retry does not refuse the retry.
"""

from __future__ import annotations

import hashlib
import json
import re

from unionhub.errors import ValidationFailed
from unionhub.identity.crypto import blind_index, blind_indexes

KEY_RE = re.compile(r"^[A-Za-z0-9_\-:.]{8,64}$")


def check_key(raw: str) -> str:
    key = raw.strip()
    if not KEY_RE.match(key):
        raise ValidationFailed("idempotency key must be 8–64 letters, digits or _-:.",
                               field="idempotencyKey", code="IDEMPOTENCY_KEY_FORMAT")
    return key


def canonical_text(canonical: object) -> str:
    """The request in its canonical form (built by the caller), as exact text: case kept."""
    return json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))


def _digest(canonical: object) -> str:
    return hashlib.sha256(canonical_text(canonical).encode()).hexdigest()


def fingerprint(canonical: object, purpose: str) -> str:
    """The keyed hash of a request under the current key: what a new row stores."""
    return blind_index(_digest(canonical), purpose)


def same_request(stored: str | None, canonical: object, purpose: str) -> bool:
    """Does a replay ask for what the stored fingerprint's request asked for?"""
    return stored in blind_indexes(_digest(canonical), purpose)
