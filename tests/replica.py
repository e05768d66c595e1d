"""Driving the streaming replica of `.ci/pg-replica` from tests: wait until it has replayed
everything, pause its replay (so it visibly differs from the primary), resume it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

from unionhub import db, db_replicas
from unionhub.settings import get_settings


def require_replica() -> db_replicas.ReplicaSet:
    replicas = db_replicas.replica_set()
    if replicas is None or not db.is_postgres():
        pytest.skip("needs a streaming replica: run through .ci/pg-replica")
    return replicas


def replica_url() -> str:
    return get_settings().database_read_url.split(",")[0].strip()


@asynccontextmanager
async def admin() -> AsyncIterator[asyncpg.Connection]:
    """A superuser connection to the replica (the routed reads' pool is not for tests)."""
    connection = await asyncpg.connect(replica_url())
    try:
        yield connection
    finally:
        await connection.close()


async def caught_up(within: float = 20.0) -> None:
    """Returns once the replica has replayed everything the primary has written so far."""
    rows = await db.conn().execute_query_dict("SELECT pg_current_wal_insert_lsn()::text AS lsn")
    target = rows[0]["lsn"]
    async with admin() as replica:
        for _ in range(int(within / 0.02)):
            if await replica.fetchval("SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn", target):
                return
            await asyncio.sleep(0.02)
    raise AssertionError("the replica did not catch up")


@asynccontextmanager
async def replay_paused() -> AsyncIterator[None]:
    """The replica as it is now, while the primary moves on; replay resumes after."""
    await caught_up()
    async with admin() as replica:
        await replica.execute("SELECT pg_wal_replay_pause()")
        try:
            yield
        finally:
            await replica.execute("SELECT pg_wal_replay_resume()")
    await caught_up()


async def fresh(replicas: db_replicas.ReplicaSet) -> None:
    """Every replica checked now (the background checks run at most every second)."""
    await replicas.check_all()


async def _streaming(replica: asyncpg.Connection) -> bool:
    return bool(await replica.fetchval("SELECT count(*) FROM pg_stat_wal_receiver"))


@asynccontextmanager
async def receiver_cut(closed_port: int) -> AsyncIterator[None]:
    """The replica cut off from its primary (its WAL receiver pointed at `closed_port`, where
    nothing listens): it replays everything it received, so it has nothing left to replay,
    while the primary moves on. Reconnected and caught up after."""
    await caught_up()
    async with admin() as replica:
        conninfo = await replica.fetchval("SHOW primary_conninfo")
        await replica.execute(
            f"ALTER SYSTEM SET primary_conninfo = 'host=127.0.0.1 port={closed_port}'")
        await replica.execute("SELECT pg_reload_conf()")
        try:
            for _ in range(500):  # the receiver restarts with the new setting
                if not await _streaming(replica):
                    break
                await asyncio.sleep(0.02)
            assert not await _streaming(replica), "the WAL receiver stayed connected"
            yield
        finally:
            quoted = conninfo.replace("'", "''")
            await replica.execute(f"ALTER SYSTEM SET primary_conninfo = '{quoted}'")
            await replica.execute("SELECT pg_reload_conf()")
    await caught_up(within=30)
