"""asyncpg's pool release without its shield task when the release runs in one step.

`Pool.release` runs the holder's release inside `asyncio.shield` so that a cancellation cannot
leave the connection checked out: a task, and one more turn of the event loop, for every
statement Tortoise sends (about 13 µs of a statement's ~100 µs of CPU here). The holder's
release only suspends when it has something to await: a connection at its query cap or of an
expired generation is closed, one being cancelled is waited for, one inside a transaction is
rolled back. With none of those, and the pool's reset being db_connection.release_checked
(which awaits nothing: it only terminates a broken connection), it runs to its end in one
step, and a cancellation (delivered only where a coroutine suspends) cannot cut it short; it
is then run in place. Should it suspend after all (a newer asyncpg), the rest runs in a
shielded task, as asyncpg runs it.

Installed on the clients' pools when they are made (`adopt`, from db.py): the pool is made as
asyncpg makes it, then given this subclass. asyncpg internals used (asyncpg is pinned to a
minor release in pyproject.toml): `Pool._check_init`, `_generation`, `_reset`;
`PoolConnectionProxy._holder`, `_con`; the holder's `release`, `_timeout`, `_max_queries`,
`_generation`; `Connection._on_release`, `_protocol.queries_count`, `_is_cancelling`,
`_top_xact`. With the `release` part off (`UNIONHUB_FAST_PATH_OFF=release`,
`UNIONHUB_FAST_PATH=0`) every release is asyncpg's own; tests/test_pool_release.py.
"""

from __future__ import annotations

import asyncio
import types
from collections.abc import Coroutine, Generator
from typing import Any

import asyncpg
from asyncpg.pool import Pool, PoolConnectionProxy

from unionhub.db_connection import release_checked
from unionhub.fastpath import switch


class ReleasingPool(Pool):
    """asyncpg's pool; `release` in place when it cannot suspend."""

    __slots__ = ()

    async def release(self, connection: Any, *,
                      timeout: float | None = None) -> None:  # noqa: ASYNC109 (asyncpg's)
        if not switch.ON.release or type(connection) is not PoolConnectionProxy \
                or connection._holder._pool is not self or self._reset is not release_checked:
            return await super().release(connection, timeout=timeout)
        con = connection._con
        if con is None:  # already released
            return None
        holder = connection._holder
        if not _one_step(self, holder, con):
            return await super().release(connection, timeout=timeout)
        self._check_init()
        con._on_release()  # as Pool.release
        release = holder.release(holder._timeout if timeout is None else timeout)
        try:
            waiting = release.send(None)
        except StopIteration:
            return None  # released, in one step
        # It suspended: the rest in a shielded task, as asyncpg runs the whole of it.
        await asyncio.shield(_rest(release, waiting))
        return None


def _one_step(pool: Pool, holder: Any, con: Any) -> bool:
    """Whether the holder's release has nothing to await (see above)."""
    try:
        protocol = con._protocol
        return not (con.is_closed() or protocol.queries_count >= holder._max_queries
                    or holder._generation != pool._generation or protocol._is_cancelling()
                    or con.is_in_transaction() or con._top_xact is not None)
    except AttributeError:  # an asyncpg whose internals moved: its own release
        return False


async def _rest(coroutine: Coroutine[Any, Any, Any], waiting: Any) -> Any:
    return await _resumed(coroutine, waiting)


@types.coroutine
def _resumed(coroutine: Coroutine[Any, Any, Any], waiting: Any) -> Generator[Any, Any, Any]:
    """Drives a coroutine already started and now waiting on `waiting` to its end."""
    while True:
        try:
            sent = yield waiting
        except BaseException as exc:  # (passed into the coroutine, as a task passes it)
            try:
                waiting = coroutine.throw(exc)
            except StopIteration as stop:
                return stop.value
        else:
            try:
                waiting = coroutine.send(sent)
            except StopIteration as stop:
                return stop.value


def adopt(client: Any) -> None:
    """Tortoise's asyncpg client `client` makes its pool a ReleasingPool."""

    async def create_pool(**kwargs: Any) -> Pool:
        pool = asyncpg.create_pool(None, **kwargs)  # (not awaited yet: nothing opened)
        pool.__class__ = ReleasingPool
        return await pool

    client.create_pool = create_pool
