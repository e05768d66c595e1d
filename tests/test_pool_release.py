"""asyncpg's pool release without its shield task when it runs in one step
(unionhub/fastpath/pool_release.py): the same pool state as asyncpg's own release (the `release`
part off) after a statement, a failed statement, a broken connection, a connection left in a
transaction and a cancelled statement; and a release that suspends after all is finished."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from unionhub import db
from unionhub.fastpath import pool_release, switch
from unionhub.identity.audit import release_held_connections


def _pool() -> Any:
    if not db.is_postgres():
        pytest.skip("PostgreSQL only: asyncpg's pool")
    return db.conn()._pool


def _with(release: bool) -> switch.Switches:
    return switch.set_switches(switch.Switches(release=release))


async def _state_after(release: bool, scenario: Any) -> tuple[Any, ...]:
    """The scenario's result, and the pool's free connections after it (as a count, and whether
    the pool still answers)."""
    previous = _with(release)
    try:
        await db.conn().execute_query("SELECT 1")  # the pool exists
        # The audit group commit keeps a connection for a second after its last batch: one
        # left by the test before (its last audited read) is not this scenario's to count.
        await release_held_connections()
        pool = _pool()
        assert type(pool) is pool_release.ReleasingPool
        size = pool.get_size()
        result = await scenario(pool)
        await asyncio.sleep(0.05)  # (asyncpg's shielded release may finish a turn later)
        after = (pool.get_size() - size, pool.get_idle_size() == pool.get_size())
        assert (await db.conn().execute_query_dict("SELECT 2 AS x")) == [{"x": 2}]
        return result, after
    finally:
        switch.set_switches(previous)


async def _statement(pool: Any) -> Any:
    return await db.conn().execute_query_dict("SELECT 1 AS x")


async def _failed(pool: Any) -> Any:
    try:
        await db.conn().execute_query_dict("SELECT 1 / 0")
    except Exception as exc:
        return type(exc).__name__
    return None


async def _broken(pool: Any) -> Any:
    connection = await pool.acquire()
    raw = connection._con
    raw.unionhub_broken = True  # as a statement that failed mid-protocol leaves it
    await pool.release(connection)
    return raw.is_closed()


async def _in_transaction(pool: Any) -> Any:
    connection = await pool.acquire()
    raw = connection._con
    await connection.execute("BEGIN")
    await pool.release(connection)
    return raw.is_closed() or not raw.is_in_transaction()


async def _cancelled(pool: Any) -> Any:
    task = asyncio.create_task(db.conn().execute_query("SELECT pg_sleep(5)"))
    await asyncio.sleep(0.1)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        return "cancelled"
    return None


@pytest.mark.parametrize("scenario", [_statement, _failed, _broken, _in_transaction, _cancelled])
async def test_the_pool_ends_as_after_asyncpgs_release(scenario):
    ours = await _state_after(True, scenario)
    theirs = await _state_after(False, scenario)
    assert ours == theirs
    assert ours[1][1], "every connection back in the pool"


async def test_a_release_in_place_does_not_yield_to_the_loop():
    """asyncpg's release waits for its shield task (a turn of the loop); ours returns at once."""
    pool = _pool()
    loop = asyncio.get_running_loop()
    turns = []
    for release in (True, False):
        previous = _with(release)
        try:
            connection = await pool.acquire()
            turned: list[int] = []
            loop.call_soon(turned.append, 1)  # runs at the loop's next turn
            await pool.release(connection)
            turns.append(bool(turned))
        finally:
            switch.set_switches(previous)
        assert pool.get_idle_size() == pool.get_size()
    assert turns == [False, True]


async def test_a_coroutine_that_suspends_after_all_is_driven_to_its_end():
    loop = asyncio.get_running_loop()

    async def steps(future: asyncio.Future[int]) -> int:
        await asyncio.sleep(0)
        return await future + 1

    future: asyncio.Future[int] = loop.create_future()
    coroutine = steps(future)
    waiting = coroutine.send(None)  # its first suspension (sleep(0) yields None)
    loop.call_later(0.01, future.set_result, 41)
    assert await pool_release._rest(coroutine, waiting) == 42

    async def fails(future: asyncio.Future[int]) -> int:
        return await future

    future = loop.create_future()
    coroutine = fails(future)
    waiting = coroutine.send(None)
    loop.call_later(0.01, future.set_exception, ValueError("x"))
    with pytest.raises(ValueError):
        await pool_release._rest(coroutine, waiting)
