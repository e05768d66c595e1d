"""Identity migration 0020 (the retention job's expiry indexes) up and down, in a process of
its own on a database of its own: SQLite, and PostgreSQL beside the test database, where the
indexes are built CONCURRENTLY (`unionhub.migration_ops`) outside a transaction, and a rerun
after an interrupted build (an INVALID index of the same name left behind) rebuilds it valid."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.migration_runs import run_script, scratch_database

_UP_AND_DOWN = """
import asyncio, json
from tortoise import Tortoise
from tortoise.migrations.api.migrate import migrate
from unionhub.db import tortoise_config

NAMES = ["refresh_tokens_expires_at", "sms_codes_expires_at", "sms_send_windows_last_sent_at"]

async def indexes(client, postgres):
    if postgres:
        rows = await client.execute_query_dict(
            "SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid")
        return sorted([r["name"], r["valid"]] for r in rows if r["name"] in NAMES)
    rows = await client.execute_query_dict("SELECT name FROM sqlite_master WHERE type = 'index'")
    return sorted([r["name"], True] for r in rows if r["name"] in NAMES)

async def main():
    config = tortoise_config()
    await migrate(config=config, target="identity.0019_sms_check_decoys")
    await Tortoise.init(config=config)
    client = Tortoise.get_connection("default")
    postgres = client.capabilities.dialect == "postgres"
    if postgres:  # what an interrupted CREATE INDEX CONCURRENTLY leaves: an INVALID index
        await client.execute_script(
            'CREATE INDEX "refresh_tokens_expires_at" ON refresh_tokens (expires_at)')
        await client.execute_script(
            "UPDATE pg_index SET indisvalid = false WHERE indexrelid = "
            "'refresh_tokens_expires_at'::regclass")
    before = await indexes(client, postgres)
    await Tortoise.close_connections()
    await migrate(config=config, target="identity.0020_retention_indexes")
    await Tortoise.init(config=config)
    up = await indexes(Tortoise.get_connection("default"), postgres)
    await Tortoise.close_connections()
    await migrate(config=config, target="identity.0019_sms_check_decoys")
    await Tortoise.init(config=config)
    down = await indexes(Tortoise.get_connection("default"), postgres)
    await Tortoise.close_connections()
    print(json.dumps({"postgres": postgres, "before": before, "up": up, "down": down}))

asyncio.run(main())
"""


@pytest.fixture(params=["sqlite", "postgres"])
async def scratch_url(request, tmp_path) -> AsyncIterator[str]:
    async with scratch_database(request.param, tmp_path, "identity0020") as url:
        yield url


async def test_0020_builds_the_expiry_indexes_online_and_drops_them_back(scratch_url):
    seen, _log = await run_script(_UP_AND_DOWN, scratch_url)
    if seen["postgres"]:
        assert seen["before"] == [["refresh_tokens_expires_at", False]]
    assert seen["up"] == [["refresh_tokens_expires_at", True], ["sms_codes_expires_at", True],
                          ["sms_send_windows_last_sent_at", True]]
    assert seen["down"] == []
