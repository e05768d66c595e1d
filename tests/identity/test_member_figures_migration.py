"""Identity migration 0021 (the member figures' summary) up, a run of the job, and back down,
in a subprocess on a database of its own: SQLite always, and a scratch PostgreSQL database
beside the test one when DATABASE_URL is PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.migration_runs import run_script, scratch_database

_UP_AND_DOWN = """
import asyncio, json
from tortoise import Tortoise
from tortoise.migrations.api.migrate import migrate
from unionhub.db import conn, tortoise_config
from unionhub.identity import member_figures

BEFORE = "identity.0020_retention_indexes"

async def tables():
    rows = await conn().execute_query_dict(
        "SELECT COUNT(*) AS n FROM member_figures_runs")
    return int(rows[0]["n"])

async def main():
    config = tortoise_config()
    await migrate(config=config)
    await Tortoise.init(config=config)
    await member_figures.refresh()
    out = {"runs": await tables(), "as_of": await member_figures.as_of() is not None}
    await Tortoise.close_connections()
    await migrate(config=config, target=BEFORE)
    await Tortoise.init(config=config)
    try:
        await tables()
        out["down"] = "still there"
    except Exception as exc:
        out["down"] = "gone"
    await Tortoise.close_connections()
    print(json.dumps(out))

asyncio.run(main())
"""


@pytest.fixture(params=["sqlite", "postgres"])
async def scratch_url(request, tmp_path) -> AsyncIterator[str]:
    async with scratch_database(request.param, tmp_path, "figures0021") as url:
        yield url


async def test_0021_creates_the_summary_and_drops_it(scratch_url):
    seen, _ = await run_script(_UP_AND_DOWN, scratch_url)
    assert seen == {"runs": 1, "as_of": True, "down": "gone"}
