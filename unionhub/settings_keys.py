"""The data-protection keys' settings: a retired key pair's shape and the checks every key
and key id must pass (used by `unionhub.settings`)."""

from __future__ import annotations

import base64
from typing import Literal

from pydantic import BaseModel


class RetiredKey(BaseModel):
    """A key pair no longer used for writing, still accepted for reading until rotated away."""

    suite: Literal["aes", "sm"] = "aes"
    data_key: str  # base64 of 32 bytes, as UNIONHUB_DATA_KEY
    blind_index_key: str


def is_32_bytes(value: str, name: str) -> str:
    try:
        key = base64.b64decode(value, validate=True)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ValueError(f"{name} must be the base64 of 32 bytes")
    return value


def check_key_id(value: str, name: str) -> str:
    if not (value.isascii() and 1 <= len(value) <= 8
            and all(c.isalnum() or c in "_-" for c in value)):
        raise ValueError(f"{name}: key ids are 1-8 letters, digits, _ or -")
    return value
