"""Personal data at rest: authenticated encryption and keyed blind indexes, under the key ring
(`unionhub.crypto.keyring`: keys with ids, AES-256-GCM + HMAC-SHA-256 or SM4-GCM + HMAC-SM3).

Ciphertexts are bound to their purpose (associated data), so a phone ciphertext pasted into the
ID-number column fails to decrypt. Blind indexes are keyed HMACs of the normalised value, so an
exact-match lookup needs no decryption and the database never sees the plaintext. Both record
the id of the key that made them; during a rotation a lookup tries every live key
(`blind_indexes`).
"""

from __future__ import annotations

import base64
import os

from unionhub.crypto.keyring import Key, key_id_of, keyring
from unionhub.crypto.suites import NONCE_BYTES


def encrypt(plaintext: str, purpose: str, key: Key | None = None) -> str:
    key = key or keyring().current
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.suite.seal(key.cipher_key, nonce, plaintext.encode(), purpose.encode())
    return f"{key.id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str, purpose: str) -> str:
    key_id, sep, body = token.partition(":")
    if not sep:
        raise ValueError("ciphertext names no key id")
    key = keyring().get(key_id)
    raw = base64.b64decode(body)
    return key.suite.open(key.cipher_key, raw[:NONCE_BYTES], raw[NONCE_BYTES:],
                          purpose.encode()).decode()


def _normalised(value: str, purpose: str) -> bytes:
    return f"{purpose}:{value.strip().upper()}".encode()


def blind_index(value: str, purpose: str, key: Key | None = None) -> str:
    """The index under the current key (or `key`): what new rows store."""
    return (key or keyring().current).index(_normalised(value, purpose))


def blind_indexes(value: str, purpose: str) -> list[str]:
    """The index under every live key, current first: what a lookup must match while a
    rotation has not yet reached every row (`column__in=blind_indexes(...)`)."""
    message = _normalised(value, purpose)
    return [key.index(message) for key in keyring().live]


def is_current(value: str | None) -> bool:
    """Was this ciphertext or blind index made with the current key (None counts as done)?"""
    return value is None or key_id_of(value) == keyring().current.id
