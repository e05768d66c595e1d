"""Database set-up: Tortoise ORM over PostgreSQL (asyncpg) or SQLite (aiosqlite)."""

from __future__ import annotations

import os
from typing import Any

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url

from unionhub.domains import DOMAINS, migrations_module, models_module
from unionhub.settings import Settings, get_settings


def tortoise_config(settings: Settings | None = None) -> dict[str, Any]:
    settings = settings or get_settings()
    url = settings.database_url
    if url.startswith("sqlite://"):
        path = url.removeprefix("sqlite://")
        if path not in (":memory:", "") and os.path.dirname(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
        connection: Any = {
            "engine": "tortoise.backends.sqlite",
            # WAL lets readers run beside the single writer; busy_timeout waits instead of failing.
            "credentials": {"file_path": path, "journal_mode": "WAL", "busy_timeout": 10000},
        }
    else:
        connection = expand_db_url(url)
        credentials = connection["credentials"]
        credentials.setdefault("maxsize", settings.db_pool_max)
        if connection["engine"] == "tortoise.backends.asyncpg":
            # asyncpg resets every connection it takes back (advisory unlock, CLOSE ALL, UNLISTEN,
            # RESET ALL): a round trip after every query. We keep no session state (no LISTEN, no
            # advisory or session settings; isolation is set inside transactions), and asyncpg
            # still rolls back a transaction left open, so the reset is skipped.
            credentials["reset"] = _keep_connection_as_is
            if settings.db_pgbouncer:
                # Transaction pooling gives each transaction any server connection, where a
                # named prepared statement from another one does not exist: asyncpg then uses
                # unnamed statements only (its documented PgBouncer setting).
                credentials["statement_cache_size"] = 0
    return {
        "connections": {"default": connection},
        "apps": {
            domain: {
                "models": [models_module(domain)],
                "migrations": migrations_module(domain),
                "default_connection": "default",
            }
            for domain in DOMAINS
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def _keep_connection_as_is(_connection: Any) -> None:
    return None


async def init_db(settings: Settings | None = None) -> None:
    # The global fallback lets request tasks (and test tasks) see the context set up here.
    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)


async def close_db() -> None:
    from unionhub.identity.audit import release_held_connections

    await release_held_connections()  # the pool's close would wait for it
    await Tortoise.close_connections()


async def migrate(settings: Settings | None = None) -> None:
    """Apply every pending migration with Tortoise's own migration executor."""
    from tortoise.migrations.api import migrate as run_migrations

    await run_migrations(config=tortoise_config(settings))


def conn() -> BaseDBAsyncClient:
    return connections.get("default")


def is_postgres() -> bool:
    return conn().capabilities.dialect == "postgres"


async def ping() -> None:
    await conn().execute_query("SELECT 1")


def __getattr__(name: str) -> Any:
    # `tortoise makemigrations` (configured in pyproject's [tool.tortoise]) reads this.
    if name == "TORTOISE_ORM":
        return tortoise_config()
    raise AttributeError(name)
