"""`make test`'s second process never shares a database with the first (tests/parallel_workers.py)."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from tests import parallel_workers as pw


def test_worker_gw0_and_a_single_process_keep_the_urls(monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    assert pw.own_services({"DATABASE_URL": "postgres://u@h:5432/test"}) == {}
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    assert pw.own_services({"REDIS_URL": "redis://h:6379/0"}) == {}


def test_each_further_worker_takes_the_next_databases():
    assert pw.database_url_for("postgres://u:pw@h:5432/test", 2) == "postgres://u:pw@h:5432/test_gw2"
    assert pw.database_url_for("postgresql://h/test?sslmode=disable", 1) \
        == "postgresql://h/test_gw1?sslmode=disable"
    # (the embedded default: the controller made the file's name, and every worker inherits it)
    assert pw.database_url_for("sqlite:///tmp/x/test.sqlite3", 1) \
        == "sqlite:///tmp/x/test_gw1.sqlite3"
    assert pw.database_url_for("sqlite://var/t.db?mode=rwc", 2) == "sqlite://var/t_gw2.db?mode=rwc"
    assert pw.database_url_for("sqlite://:memory:", 1) == "sqlite://:memory:"
    assert pw.database_url_for("sqlite:///tmp/x/test.sqlite3", 0) == "sqlite:///tmp/x/test.sqlite3"
    assert pw.redis_url_for("redis://:secret@h:6379/4", 1) == "redis://:secret@h:6379/5"
    assert pw.redis_url_for("redis://h:6379", 1) == "redis://h:6379/1"
    assert pw.redis_url_for("rediss://h:6380/0", 3) == "rediss://h:6380/3"


def test_engines_with_one_database_are_refused(monkeypatch):
    with pytest.raises(SystemExit, match="one database"):
        pw.redis_url_for("redis+cluster://h:7000/0", 1)
    with pytest.raises(SystemExit, match="past 15"):
        pw.redis_url_for("redis://h:6379/15", 1)
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    for name in ("UNIONHUB_REDIS_CLUSTER", "UNIONHUB_REDIS_SENTINELS", "UNIONHUB_DATABASE_READ_URL"):
        with pytest.raises(SystemExit, match="one process"):
            pw.own_services({name: "1", "REDIS_URL": "redis://h:6379/0"})


@pytest.mark.skipif(not os.environ["DATABASE_URL"].startswith("postgres"),
                    reason="a PostgreSQL database per worker")
async def test_a_workers_postgresql_database_is_created_when_missing(monkeypatch):
    import asyncpg

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"workers_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw3")

    async def exists(database: str) -> bool:
        server = await asyncpg.connect(f"{base}/postgres")
        try:
            return bool(await server.fetchval(
                "SELECT 1 FROM pg_database WHERE datname = $1", database))
        finally:
            await server.close()

    async def drop(database: str) -> None:
        server = await asyncpg.connect(f"{base}/postgres")
        try:
            await server.execute(f'DROP DATABASE IF EXISTS "{database}"')
        finally:
            await server.close()

    # (own_services runs before any event loop, at conftest's import: here, in a thread)
    environ = {"DATABASE_URL": f"{base}/{name}"}
    try:
        assert not await exists(f"{name}_gw3")
        changed = await asyncio.to_thread(pw.own_services, environ)
        assert changed == {"DATABASE_URL": f"{base}/{name}_gw3"}
        assert await exists(f"{name}_gw3")
        assert await asyncio.to_thread(pw.own_services, environ) == changed  # (it exists now)
    finally:
        await drop(f"{name}_gw3")
