"""Scaffolding for the tests that run a migration up and down: a database of the test's own
(a SQLite file, or a scratch PostgreSQL database beside DATABASE_URL's, dropped after), and a
script run in a process of its own against it, which prints what it saw as its last line of
JSON. The migrations run outside the test's process: Tortoise's models are set up once per
process, for the test database."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from tests.processes import ROOT


@asynccontextmanager
async def scratch_database(kind: str, tmp_path: Path, name: str) -> AsyncIterator[str]:
    """The URL of an empty database named `name`: `kind` "sqlite" (a file under tmp_path) or
    "postgres" (skipped when DATABASE_URL is not PostgreSQL)."""
    if kind == "sqlite":
        yield f"sqlite://{tmp_path}/{name}.sqlite3"
        return
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        pytest.skip("PostgreSQL: DATABASE_URL is SQLite")
    parts = urlsplit(url)
    database = f"{parts.path.strip('/')}_{name}"
    server = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        await server.execute(f'DROP DATABASE IF EXISTS "{database}"')
        await server.execute(f'CREATE DATABASE "{database}"')
        yield urlunsplit(parts._replace(path=f"/{database}"))
        await server.execute(f'DROP DATABASE IF EXISTS "{database}"')
    finally:
        await server.close()


async def run_script(script: str, database_url: str) -> tuple[Any, str]:
    """Runs `script` (Python) on `database_url` with no Redis, and returns the JSON of the last
    line it printed, and what it wrote to stderr (its log); fails the test with that stderr
    when it fails."""
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("REDIS_URL", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    async with asyncio.timeout(120):
        out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return json.loads(out.decode().strip().splitlines()[-1]), err.decode()
