"""Database set-up: Tortoise ORM over PostgreSQL (asyncpg) or SQLite (aiosqlite)."""

from __future__ import annotations

import importlib
import os
from typing import Any

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url

from unionhub import db_replicas
from unionhub.db_connection import GuardedConnection, release_checked
from unionhub.domains import DOMAINS, migrations_module, models_module
from unionhub.observability.logs import guard_statement_loggers
from unionhub.settings import Settings, get_settings

# The drivers this package installs: Tortoise knows other schemes (mysql, mssql, oracle) but
# their drivers are not dependencies, so they would fail later with a bare ImportError.
SUPPORTED_SCHEMES = ("postgres", "postgresql", "asyncpg", "sqlite")


class UnsupportedDatabase(ValueError):
    """DATABASE_URL names a database this package has no driver for."""


def check_database_url(url: str) -> None:
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in SUPPORTED_SCHEMES:
        shown = f"the {scheme}:// scheme" if scheme else "a URL without a scheme"
        raise UnsupportedDatabase(
            f"DATABASE_URL has {shown}, which UnionHub does not support: use "
            "postgres://user:password@host:port/name or sqlite://path/to/file.sqlite3")


def connection_config(url: str, settings: Settings) -> dict[str, Any]:
    """Tortoise's connection entry for `url`: the primary's, and each read replica's."""
    check_database_url(url)
    if url.startswith("sqlite://"):
        path = url.removeprefix("sqlite://")
        if path not in (":memory:", "") and os.path.dirname(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
        return {
            "engine": "tortoise.backends.sqlite",
            # WAL lets readers run beside the single writer; busy_timeout waits instead of failing.
            "credentials": {"file_path": path, "journal_mode": "WAL", "busy_timeout": 10000},
        }
    connection = expand_db_url(url)
    credentials = connection["credentials"]
    credentials.setdefault("maxsize", settings.db_pool_max)
    if connection["engine"] == "tortoise.backends.asyncpg":
        # asyncpg resets every connection it takes back (advisory unlock, CLOSE ALL, UNLISTEN,
        # RESET ALL): a round trip after every query. We keep no session state (no LISTEN, no
        # advisory or session settings; isolation is set inside transactions), so the reset
        # only terminates a connection a failed statement or an open transaction left
        # unusable (db_connection.py: asyncpg's "another operation is in progress" after an
        # outage).
        credentials["reset"] = release_checked
        credentials["connection_class"] = GuardedConnection
        if settings.db_pgbouncer:
            # Transaction pooling gives each transaction any server connection, where a
            # named prepared statement from another one does not exist: asyncpg then uses
            # unnamed statements only (its documented PgBouncer setting).
            credentials["statement_cache_size"] = 0
    return connection


def replica_configs(settings: Settings) -> list[dict[str, Any]]:
    """The read replicas' connection entries (UNIONHUB_DATABASE_READ_URL, comma-separated),
    each treated as the primary's (pool size, PgBouncer mode); PostgreSQL only."""
    urls = [u.strip() for u in settings.database_read_url.split(",") if u.strip()]
    if urls and settings.database_url.startswith("sqlite://"):
        raise UnsupportedDatabase(
            "UNIONHUB_DATABASE_READ_URL needs a PostgreSQL DATABASE_URL (replicas stream "
            "from a PostgreSQL primary)")
    for url in urls:
        if url.split("://", 1)[0] not in ("postgres", "postgresql", "asyncpg") or "://" not in url:
            raise UnsupportedDatabase("UNIONHUB_DATABASE_READ_URL names PostgreSQL replicas: "
                                      "postgres://user:password@host:port/name, comma-separated")
    return [connection_config(url, settings) for url in urls]


def tortoise_config(settings: Settings | None = None) -> dict[str, Any]:
    settings = settings or get_settings()
    connection = connection_config(settings.database_url, settings)
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


async def init_db(settings: Settings | None = None) -> None:
    # The global fallback lets request tasks (and test tasks) see the context set up here.
    settings = settings or get_settings()
    # Never the statements' parameters in the log, whatever its level (observability/logs.py).
    guard_statement_loggers(settings.log_sql_parameters)
    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)
    _adopt(conn())
    await open_replicas(settings)


def _adopt(client: BaseDBAsyncClient) -> None:
    """An asyncpg client's pool releases without asyncpg's shield task when it can
    (fastpath/pool_release.py)."""
    from tortoise.backends.asyncpg.client import AsyncpgDBClient

    from unionhub.fastpath import pool_release

    if isinstance(client, AsyncpgDBClient):
        pool_release.adopt(client)


async def open_replicas(settings: Settings) -> None:
    """The read replicas (db_replicas.py), checked once before the first read needs them.
    Clients outside Tortoise's config: one alias keeps unnamed transactions unambiguous."""
    configs = replica_configs(settings)
    await db_replicas.close()
    if not configs:
        return
    replicas = []
    for config in configs:
        engine = importlib.import_module(config["engine"])
        credentials = config["credentials"]
        client = engine.client_class(connection_name="default", **credentials)
        _adopt(client)
        name = f"{credentials['host']}:{credentials['port']}/{credentials['database']}"
        replicas.append(db_replicas.Replica(name=name, client=client))
    replica_set = db_replicas.ReplicaSet(replicas, max_lag=settings.db_replica_max_lag_seconds,
                                         check_every=settings.db_replica_check_seconds)
    db_replicas.install(replica_set)
    await replica_set.check_all()


async def close_db() -> None:
    from unionhub.identity.audit import release_held_connections

    await release_held_connections()  # the pool's close would wait for it
    await db_replicas.close()
    await Tortoise.close_connections()


async def migrate(settings: Settings | None = None) -> None:
    """Apply every pending migration with Tortoise's own migration executor."""
    from tortoise.migrations.api import migrate as run_migrations

    await run_migrations(config=tortoise_config(settings))


async def pending_migrations(settings: Settings | None = None) -> list[str]:
    """The migrations `migrate` would apply (`app.name`), read from Tortoise's own recorder
    table (no table yet: all of them). Needs init_db."""
    from tortoise.migrations.executor import MigrationExecutor

    steps = await MigrationExecutor(conn(), tortoise_config(settings)["apps"]).plan()
    return [f"{step.migration.app_label}.{step.migration.name}" for step in steps
            if not step.backward]


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
