"""Test fixtures: the same tests on SQLite + fakeredis (default) and on PostgreSQL + Redis
(when DATABASE_URL / REDIS_URL are set, as .ci/run does).

The schema is built by the real migrations once per session; each test starts from empty
tables and an empty Redis database.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from tests import parallel_workers
from tests.pg_cluster import PrivateCluster
from unionhub import outages
from unionhub.identity.audit import release_held_connections
from unionhub.settings import Settings

# Test settings before anything reads them. Argon2 at a lower cost keeps the suite quick;
# production uses the OWASP minimum (settings.py).
os.environ.setdefault("UNIONHUB_ENV", "test")
os.environ.setdefault("UNIONHUB_ARGON2_MEMORY_KIB", "1024")
os.environ.setdefault("UNIONHUB_ARGON2_TIME_COST", "1")
os.environ.setdefault("UNIONHUB_SLOW_OPERATION_THRESHOLD_MS", "100000")
# Messages as raised (English) unless a test asks for a language (tests/test_i18n.py covers
# zh-CN, the production default).
os.environ.setdefault("UNIONHUB_DEFAULT_LANGUAGE", "en")
# Under pytest -n (make test), this worker's own PostgreSQL and Redis databases.
os.environ.update(parallel_workers.own_services(os.environ))
if not os.environ.get("DATABASE_URL"):
    _tmp = tempfile.mkdtemp(prefix="unionhub-test-")
    os.environ["DATABASE_URL"] = f"sqlite://{_tmp}/test.sqlite3"

import httpx
import pytest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from tortoise import Tortoise

from tests.factories import Factory
from unionhub import cache, db, ratelimit, redis_topology, row_cache
from unionhub.app import create_app
from unionhub.identity import audit_chain, audit_linker, member_figures, orgs
from unionhub.mall import claims
from unionhub.observability import metrics_setup, tracing
from unionhub.services import scorecards
from unionhub.settings import get_settings

SPAN_EXPORTER = InMemorySpanExporter()
METRIC_READER = InMemoryMetricReader()  # beside /metrics' Prometheus reader (tests/test_metrics.py)


async def _reset_database() -> None:
    """Drop everything so the migrations run from nothing, as on a new deployment."""
    await db.init_db()
    connection = db.conn()
    if db.is_postgres():
        await connection.execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    else:
        rows = await connection.execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
        for row in rows:
            await connection.execute_script(f'DROP TABLE IF EXISTS "{row["name"]}"')
    await db.close_db()


@pytest.fixture(scope="session", autouse=True)
async def database() -> AsyncIterator[None]:
    settings = get_settings()
    tracing.setup_tracing("unionhub-test", settings.slow_operation_threshold_ms,
                          settings.slow_operations_kept)
    tracing.add_span_processor(SimpleSpanProcessor(SPAN_EXPORTER))
    metrics_setup.setup_metrics("unionhub-test", extra_readers=[METRIC_READER])
    await _reset_database()
    await db.migrate()
    await db.close_db()
    await db.init_db()
    yield
    await db.close_db()
    await cache.close_redis()


def _tables() -> list[str]:
    # The models' tables, and the tables made by SQL alone (no model: member_figures').
    return [m._meta.db_table for app in Tortoise.apps.values() for m in app.values()] + list(
        member_figures.TABLES)


@pytest.fixture(autouse=True)
async def clean(database: None) -> AsyncIterator[None]:
    await empty_everything()
    yield
    # A cluster reply (MOVED, CROSSSLOT: keys across slots, or a cluster node named as one
    # server) falls back to the database, so the test passes: this check fails it instead.
    problem = redis_topology.problem()
    redis_topology.clear()
    assert problem is None, problem


async def empty_everything() -> None:
    """Empty tables and Redis, as each test starts (tests/test_fast_path_modes.py: between modes)."""
    await audit_linker.finish()  # (a linker task left by the last test must not outlive its rows)
    connection = db.conn()
    tables = _tables()
    if db.is_postgres():
        await connection.execute_script(
            f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"
        )
    else:
        await connection.execute_script("PRAGMA foreign_keys = OFF")
        for table in tables:
            await connection.execute_script(f'DELETE FROM "{table}"')
        await connection.execute_script("PRAGMA foreign_keys = ON")
    await cache.get_redis().flushdb()
    ratelimit.clear_fallback()  # and the per-process limits counted while Redis was down
    orgs.clear_union_cache()  # ids restart with the emptied tables
    row_cache.clear_all()  # so do the catalogue's and the service items' cached rows
    audit_chain.forget_head()  # the chain restarts with the emptied audit tables
    claims.forget_campaigns()
    scorecards.forget_rankings()
    SPAN_EXPORTER.clear()


@pytest.fixture(scope="session")
def app() -> Any:
    return create_app(manage_connections=False)


@dataclass
class GraphQLResult:
    status: int
    body: dict[str, Any]

    @property
    def data(self) -> dict[str, Any]:
        return self.body.get("data") or {}

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self.body.get("errors") or []

    def error_codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]

    def told(self) -> tuple[list[tuple[Any, Any]], list[Any]]:
        """What the caller is told: GraphQL errors (code, message) and each payload's errors
        (the tests that an out-of-reach id answers exactly as a missing one compare these)."""
        errors = [(e.get("extensions", {}).get("code"), e.get("message")) for e in self.errors]
        payloads = [v and v.get("errors") for v in self.data.values()]
        return errors, payloads


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def __call__(self, query: str, variables: dict[str, Any] | None = None,
                       token: str | None = None, operation_name: str | None = None,
                       ) -> GraphQLResult:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if "_entities" in query or "_service" in query:
            # Federation plumbing is for the router: tests of entity resolution act as it.
            headers["X-UnionHub-Router"] = get_settings().router_secret
        body: dict[str, Any] = {"query": query, "variables": variables or {}}
        if operation_name:
            body["operationName"] = operation_name
        response = await self.http.post("/graphql", json=body, headers=headers)
        return GraphQLResult(response.status_code, response.json())


@pytest.fixture
async def http(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
def gql(http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(http)


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return SPAN_EXPORTER


@pytest.fixture
async def factory(gql: GraphQLClient) -> Factory:
    return Factory(gql)


# Fixtures shared by test modules (here rather than imported from one test module by another).
@pytest.fixture
async def private_db() -> AsyncIterator[PrivateCluster]:
    if not db.is_postgres():
        # Tortoise builds each model's queries for one dialect at start-up: a session on
        # SQLite cannot lend its models to PostgreSQL for a test. CI runs on PostgreSQL.
        pytest.skip("the outage tests swap one PostgreSQL for another: run on PostgreSQL")
    try:
        cluster = PrivateCluster()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    settings = get_settings().model_copy(update={"database_url": cluster.url})
    await asyncio.to_thread(cluster.init)
    await asyncio.to_thread(cluster.start)
    await release_held_connections()
    await db.close_db()
    try:
        await db.migrate(settings)
        await db.init_db(settings)
        await cache.get_redis().flushdb()
        orgs.clear_union_cache()
        outages._last_seen.clear()
        yield cluster
    finally:
        await release_held_connections()
        await db.close_db()
        await asyncio.to_thread(cluster.destroy)
        orgs.clear_union_cache()
        await cache.get_redis().flushdb()
        await db.init_db()


@pytest.fixture(scope="module")
def small_app():
    """An app with a 2,000-byte body limit (tests/test_edge.py, tests/test_error_shape.py)."""
    return create_app(settings=Settings(max_body_bytes=2000,
                                        cors_origins=["https://app.union.example"]),
                      manage_connections=False)
