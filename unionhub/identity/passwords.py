"""argon2id password hashing, run in a worker thread so the event loop keeps serving."""

from __future__ import annotations

import asyncio
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from unionhub.settings import get_settings

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    s = get_settings()
    return PasswordHasher(
        time_cost=s.argon2_time_cost, memory_cost=s.argon2_memory_kib, parallelism=1, type=Type.ID
    )


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verified against when the phone is unknown, so both answers take the same time.
    return _hasher().hash("unionhub-no-such-account")


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher().hash, password)


def needs_rehash(stored_hash: str) -> bool:
    """Made under other parameters than the current ones (a cost raised since)."""
    try:
        return _hasher().check_needs_rehash(stored_hash)
    except InvalidHashError:
        return False


def hash_password_sync(password: str) -> str:
    return _hasher().hash(password)


async def verify_password(stored_hash: str | None, password: str) -> bool:
    if len(password) > MAX_PASSWORD_LENGTH:
        return False  # no account has one: refuse it without hashing megabytes
    def _verify() -> bool:
        try:
            return _hasher().verify(stored_hash or _dummy_hash(), password) and bool(stored_hash)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(_verify)
