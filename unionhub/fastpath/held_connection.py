"""The audit group commit's held connection: one asyncpg connection out of Tortoise's pool.

Tortoise has no public way to keep one of its pool's connections between statements without a
transaction, so this takes one from the client's asyncpg pool (`db._pool`: capped in
pyproject.toml). With the fast path's `audit` part off, each batch runs through Tortoise's
public `execute_query` on a pool connection of its own (identity/audit.py, `_insert_reads`).
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg

from unionhub.fastpath import switch
from unionhub.observability.db_spans import connection_attributes, traced_query

_releasing: set[asyncio.Task[None]] = set()


class HeldConnection:
    """PostgreSQL: one pool connection the group commit keeps while batches keep coming, and
    gives back after `IDLE_SECONDS` without one (or at shutdown, `release_held_connections`).
    A batch written while the held one is busy (over GROUP_MAX_ROWS) takes a pool connection
    as before. The INSERT has the same database span and duration metric as any other query."""

    IDLE_SECONDS = 1.0

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.pool: Any = None  # asyncpg's pool the connection came from
        self.connection: Any = None
        self.busy = False
        self.idle_timer: asyncio.TimerHandle | None = None
        self.attributes: dict[str, Any] = {}

    def available_for(self, db: Any) -> bool:
        return (switch.ON.audit and not self.busy and db.capabilities.dialect == "postgres"
                and getattr(db, "_pool", None) is not None)

    async def execute(self, db: Any, sql: str, values: list[Any]) -> list[Any]:
        self.busy = True
        if self.idle_timer is not None:
            self.idle_timer.cancel()
            self.idle_timer = None
        try:
            if self.connection is None or self.pool is not db._pool:  # (a new pool: tests)
                await self.release()
                self.connection = await db._pool.acquire()
                self.pool = db._pool
                self.attributes = connection_attributes(db)
            rows = await traced_query(self.attributes, sql, self.connection.fetch(sql, *values))
        except BaseException:
            # Whatever state the connection is in now (an error, a cancelled statement), it
            # is not reused: closed here, the pool replaces it.
            connection, self.connection = self.connection, None
            if connection is not None:
                connection.terminate()
                await self._give_back(connection)
            raise
        finally:
            self.busy = False
        self.idle_timer = self.loop.call_later(self.IDLE_SECONDS, self._release_when_idle)
        return rows

    def _release_when_idle(self) -> None:
        self.idle_timer = None
        if not self.busy and self.connection is not None:
            task = self.loop.create_task(self.release())
            _releasing.add(task)
            task.add_done_callback(_releasing.discard)

    async def release(self) -> None:
        if self.idle_timer is not None:
            self.idle_timer.cancel()
            self.idle_timer = None
        connection, self.connection = self.connection, None
        if connection is not None:
            await self._give_back(connection)

    async def _give_back(self, connection: Any) -> None:
        try:
            await self.pool.release(connection)
        except asyncpg.InterfaceError:
            connection.terminate()  # its pool is closed: nothing to give back to
