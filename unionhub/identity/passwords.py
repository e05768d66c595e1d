"""argon2id password hashing, run in a worker thread so the event loop keeps serving.

Every password check does the same argon2 work, so its time tells nobody whether the phone has
an account, nor that an account's hash is an old one: an unknown phone (or a stored value that
is no argon2 hash) is checked against a dummy hash at today's cost, and a hash made under a
lower cost than today's (`needs_rehash`: costs are raised as machines get faster) is topped
up with a dummy computation making up the difference (`_top_up`). The work is counted in
argon2 blocks (memory KiB x passes; `work_done`), which is what the tests compare.
"""

from __future__ import annotations

import asyncio
import threading
from functools import lru_cache

from argon2 import Parameters, PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError

from unionhub.settings import get_settings

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
_DUMMY_PASSWORD = "unionhub-no-such-account"  # noqa: S105 (not a secret: never anyone's)

_work_lock = threading.Lock()
_work = [0]  # argon2 blocks computed by this process's checks (memory KiB x passes)


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    s = get_settings()
    return PasswordHasher(
        time_cost=s.argon2_time_cost, memory_cost=s.argon2_memory_kib, parallelism=1, type=Type.ID
    )


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verified against when the phone is unknown, so both answers take the same time.
    return _hasher().hash(_DUMMY_PASSWORD)


@lru_cache(maxsize=16)
def _top_up_hash(memory_kib: int) -> str:
    """A dummy hash at today's passes and `memory_kib`: the work an older, cheaper hash's
    check lacks (one per distinct old cost, made once)."""
    return PasswordHasher(time_cost=_hasher().time_cost, memory_cost=memory_kib,
                          parallelism=1, type=Type.ID).hash(_DUMMY_PASSWORD)


def _blocks(params: Parameters) -> int:
    return params.memory_cost * params.time_cost


def work_done() -> int:
    """argon2 blocks this process's password checks have computed so far (a counter: the
    tests compare the work of a check's paths by it, never its time)."""
    return _work[0]


def _argon2_verify(stored: str, password: str, params: Parameters) -> bool:
    """argon2's own verify, counted. False for a mismatch."""
    with _work_lock:
        _work[0] += _blocks(params)
    try:
        return _hasher().verify(stored, password)
    except VerificationError:
        return False


def _params(stored: str | None) -> Parameters | None:
    if not stored:
        return None
    try:
        return extract_parameters(stored)
    except InvalidHashError:  # not an argon2 hash (a closed account's "!")
        return None


def _top_up(params: Parameters) -> None:
    """Make up the difference between a cheaper hash's check and one at today's cost. (A hash
    dearer than today's takes longer, and is redone at today's cost at its next sign-in.)"""
    current = _hasher()
    missing = current.memory_cost * current.time_cost - _blocks(params)
    if missing <= 0:
        return
    memory = max(8, -(-missing // current.time_cost))  # argon2's least memory: 8 KiB
    top_up = _top_up_hash(memory)
    _argon2_verify(top_up, "", extract_parameters(top_up))


def _verify_sync(stored_hash: str | None, password: str) -> bool:
    params = _params(stored_hash)
    if stored_hash is None or params is None:
        dummy = _dummy_hash()
        _argon2_verify(dummy, password, extract_parameters(dummy))
        return False
    ok = _argon2_verify(stored_hash, password, params)
    _top_up(params)
    return ok


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
    """Whether `password` is the one `stored_hash` was made from; None (no such account) is
    checked against a dummy hash, with the same work as a real check."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False  # no account has one: refuse it without hashing megabytes
    return await asyncio.to_thread(_verify_sync, stored_hash, password)
