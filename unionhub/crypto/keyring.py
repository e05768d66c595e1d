"""Keys by id, from the settings: the current pair (data key + blind-index key, under the chosen
suite) and every retired pair still accepted for reading.

Every ciphertext is `<key id>:<base64(nonce | ciphertext | tag)>` (unbound: its associated
data is its purpose) or `<key id>:r:<base64(...)>` (row-bound: purpose and owning row), and
every blind index `<key id>:<hex>`, so each value names the key (and through it the suite) that
made it, and whether it is bound. New values are always made with the current key; values under
a retired key stay readable, and blind-index lookups try every live key, until `unionhub keys
rotate` has moved them all (and bound the unbound ones: `unionhub.identity.crypto`).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import lru_cache

from unionhub.crypto.suites import Suite, require_available
from unionhub.settings import Settings, get_settings

KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,8}$")
# A blind index fits the 64-character columns whatever the key id: the HMAC is cut to fill
# what the id leaves (at least 55 hex digits, 220 bits: no collision in any union's lifetime).
INDEX_LENGTH = 64


@dataclass(frozen=True, slots=True)
class Key:
    id: str
    suite: Suite
    cipher_key: bytes
    index_key: bytes

    def index(self, message: bytes) -> str:
        digest = self.suite.mac_hex(self.index_key, message)
        return f"{self.id}:{digest[:INDEX_LENGTH - len(self.id) - 1]}"


@dataclass(frozen=True, slots=True)
class KeyRing:
    current: Key
    by_id: dict[str, Key]

    @property
    def live(self) -> list[Key]:
        """The current key first, then the retired ones."""
        return [self.current, *(k for k in self.by_id.values() if k.id != self.current.id)]

    def get(self, key_id: str) -> Key:
        key = self.by_id.get(key_id)
        if key is None:
            raise UnknownKey(key_id)
        return key


class UnknownKey(ValueError):
    def __init__(self, key_id: str) -> None:
        super().__init__(f"no key with id {key_id!r} is configured (UNIONHUB_DATA_KEY_ID, "
                         f"UNIONHUB_RETIRED_KEYS)")
        self.key_id = key_id


def _key(key_id: str, suite_name: str, data_key_b64: str, index_key: str) -> Key:
    chosen = require_available(suite_name)
    return Key(id=key_id, suite=chosen,
               cipher_key=chosen.data_key(base64.b64decode(data_key_b64)),
               index_key=index_key.encode())


@lru_cache(maxsize=8)
def _ring(current: tuple[str, str, str, str],
          retired: tuple[tuple[str, str, str, str], ...]) -> KeyRing:
    keys = {spec[0]: _key(*spec) for spec in retired}
    keys[current[0]] = _key(*current)
    return KeyRing(current=keys[current[0]], by_id=keys)


_last: tuple[Settings, KeyRing] | None = None  # the hot path asks with the same settings


def keyring(settings: Settings | None = None) -> KeyRing:
    global _last
    s = settings or get_settings()
    if _last is not None and _last[0] is s:
        return _last[1]
    current = (s.current_key_id, s.crypto_suite, s.data_key, s.blind_index_key)
    retired = tuple(sorted((key_id, k.suite, k.data_key, k.blind_index_key)
                           for key_id, k in s.retired_keys.items()))
    ring = _ring(current, retired)
    _last = (s, ring)
    return ring


BOUND = "r"  # the mark of a row-bound ciphertext, after its key id (base64 has no ":")


def bound_prefix(key_id: str) -> str:
    """How every row-bound ciphertext under `key_id` starts."""
    return f"{key_id}:{BOUND}:"


def key_id_of(value: str) -> str | None:
    """The key id a stored ciphertext or blind index names (None if it names none)."""
    key_id, sep, _ = value.partition(":")
    return key_id if sep else None
