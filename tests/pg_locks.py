"""Races held open by a second PostgreSQL connection: waiting until the request under test is
blocked on a lock, before the test lets the other side go on."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable
from typing import TypeVar

import asyncpg

T = TypeVar("T")

_WAITERS = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")


async def lock_waiters(connection: asyncpg.Connection) -> int:
    """How many sessions of this database wait on a lock now. Inside a transaction PostgreSQL
    keeps its first reading of pg_stat_activity's sessions (their wait columns are read live,
    but a session that connected since is missing): the reading is cleared before each read,
    as the connection holding a race open polls from inside its transaction."""
    await connection.execute("SELECT pg_stat_clear_snapshot()")
    return int(await connection.fetchval(_WAITERS))


async def until_waiting(connection: asyncpg.Connection, waiters: int = 1, *,
                        unless: asyncio.Future | None = None, seconds: float = 10) -> None:
    """Until at least `waiters` sessions wait on a lock, or `unless` (the request under test)
    has ended; raises if neither happens within `seconds`."""
    for _ in range(int(seconds / 0.02)):
        if (unless is not None and unless.done()) or await lock_waiters(connection) >= waiters:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{waiters} sessions never waited on a lock")


async def while_closing(member_id: int, request: Awaitable[T]) -> T:
    """`request`'s answer, sent while a second connection holds the member's account closing as
    closeAccount does (its row locked and closed, not yet committed); it must wait on the row
    before the closure commits. PostgreSQL only (the caller skips otherwise)."""
    closer = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await closer.execute("BEGIN")
        await closer.execute("UPDATE members SET closed_at = now() WHERE id = $1", member_id)
        task = asyncio.ensure_future(request)
        await until_waiting(closer, unless=task)
        assert not task.done(), task.result()  # it waits on the closing row
        await closer.execute("COMMIT")
        return await task
    finally:
        await closer.close()
