"""The suite in several processes (pytest-xdist, `make test`): each worker its own databases.

A worker empties every table and its Redis database before each test (conftest.empty_everything),
so two workers must never share either. Worker gwN (N > 0) takes the PostgreSQL database
`<name>_gwN` beside the one DATABASE_URL names, created here when missing, or the SQLite file
`<name>_gwN.sqlite3` beside the named one, and Redis database `<db> + N`; gw0 and a run without
xdist keep the URLs as given. The in-process fakeredis of the embedded default is per process.

The engines' own slices (.ci/redis-cluster, .ci/pg-replica) run in one process: a cluster has
only database 0, and a replica follows one primary database.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

REDIS_DATABASES = 16  # redis-server's default `databases`


def worker_index() -> int:
    """0 outside xdist; N for worker gwN."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker.removeprefix("gw")) if worker.startswith("gw") else 0


def database_url_for(url: str, index: int) -> str:
    if index == 0:
        return url
    if url.startswith("sqlite://"):
        # (the file beside it: xdist's workers inherit the environment conftest gave the
        # controller, so the embedded default's temporary file would be shared too)
        path, sep, query = url.removeprefix("sqlite://").partition("?")
        if path in ("", ":memory:"):
            return url
        root, ext = os.path.splitext(path)
        return f"sqlite://{root}_gw{index}{ext}{sep}{query}"
    if not url.startswith(("postgres://", "postgresql://")):
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}_gw{index}"))


def redis_url_for(url: str, index: int) -> str:
    if index == 0:
        return url
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise SystemExit(f"pytest -n: {parts.scheme}:// has one database; run it in one process")
    base = int(parts.path.strip("/") or 0)
    if base + index >= REDIS_DATABASES:
        raise SystemExit(f"pytest -n: Redis database {base} + worker {index} is past "
                         f"{REDIS_DATABASES - 1}; name a lower database in REDIS_URL")
    return urlunsplit(parts._replace(path=f"/{base + index}"))


async def _create_database(url: str) -> None:
    import asyncpg  # only with a PostgreSQL DATABASE_URL

    parts = urlsplit(url)
    name = parts.path.strip("/")
    server = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        if not await server.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await server.execute(f'CREATE DATABASE "{name}"')
    finally:
        await server.close()


def own_services(environ: Mapping[str, str]) -> dict[str, str]:
    """This worker's URLs, to put in its environment before settings are read (conftest)."""
    index = worker_index()
    if index == 0:
        return {}
    if any(environ.get(name) for name in (
            "UNIONHUB_DATABASE_READ_URL", "UNIONHUB_REDIS_SENTINELS", "UNIONHUB_REDIS_CLUSTER")):
        raise SystemExit("pytest -n: replicas, sentinels and clusters are tested in one process")
    changed: dict[str, str] = {}
    for name in ("DATABASE_URL", "UNIONHUB_DATABASE_URL"):
        url = environ.get(name, "")
        if url and database_url_for(url, index) != url:
            changed[name] = database_url_for(url, index)
            if url.startswith(("postgres://", "postgresql://")):
                asyncio.run(_create_database(changed[name]))
    for name in ("REDIS_URL", "UNIONHUB_REDIS_URL", "UNIONHUB_ARQ_REDIS_URL"):
        if environ.get(name):
            changed[name] = redis_url_for(environ[name], index)
    return changed
