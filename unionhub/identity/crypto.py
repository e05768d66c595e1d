"""Personal data at rest: AES-256-GCM encryption and keyed blind indexes.

Ciphertexts are bound to their purpose (associated data), so a phone ciphertext pasted into the
ID-number column fails to decrypt. Blind indexes are HMAC-SHA256 of the normalised value, so an
exact-match lookup needs no decryption and the database never sees the plaintext.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from unionhub.settings import get_settings

_VERSION = "v1"


@lru_cache(maxsize=4)
def _aead(key_b64: str) -> AESGCM:
    key = base64.b64decode(key_b64)
    if len(key) != 32:
        raise ValueError("UNIONHUB_DATA_KEY must be base64 of exactly 32 bytes")
    return AESGCM(key)


def encrypt(plaintext: str, purpose: str) -> str:
    nonce = os.urandom(12)
    sealed = _aead(get_settings().data_key).encrypt(nonce, plaintext.encode(), purpose.encode())
    return f"{_VERSION}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str, purpose: str) -> str:
    version, _, body = token.partition(":")
    if version != _VERSION:
        raise ValueError("unknown ciphertext version")
    raw = base64.b64decode(body)
    return _aead(get_settings().data_key).decrypt(raw[:12], raw[12:], purpose.encode()).decode()


def blind_index(value: str, purpose: str) -> str:
    key = get_settings().blind_index_key.encode()
    msg = f"{purpose}:{value.strip().upper()}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()
