"""Read replicas (issue 22, point 2; unionhub/db_replicas.py): a routed read runs on a fresh
replica, a lagging or unreachable one is skipped for the primary, the lag is a metric.

Routed tests need `.ci/pg-replica` (a private primary and its streaming replica); the replica
is made visibly different from the primary by pausing its replay, so each answer shows where
it was read. The configuration tests run everywhere."""

from __future__ import annotations

import asyncio
import os
import socket

import pytest

from tests.metrics_helpers import points, total
from tests.replica import admin, caught_up, fresh, receiver_cut, replay_paused, require_replica
from unionhub import db, db_replicas
from unionhub.db_connection import release_checked
from unionhub.mall import catalogue
from unionhub.mall.models import Product
from unionhub.settings import Settings

PG = "postgres://app:secret@primary.internal:5432/unionhub"
READS = "unionhub.db.replica.reads"


def test_read_urls_are_connected_as_the_primary_is():
    settings = Settings(database_url=PG, db_pgbouncer=True, db_pool_max=7, database_read_url=(
        "postgres://app:secret@replica-1:5432/unionhub, postgres://app:secret@replica-2/unionhub"))
    configs = db.replica_configs(settings)
    assert [c["credentials"]["host"] for c in configs] == ["replica-1", "replica-2"]
    for config in configs:  # PgBouncer mode, the pool and the guarded release apply to each
        credentials = config["credentials"]
        assert credentials["statement_cache_size"] == 0 and credentials["maxsize"] == 7
        assert credentials["reset"] is release_checked
    assert db.replica_configs(Settings(database_url=PG, database_read_url="")) == []
    assert "statement_cache_size" not in db.replica_configs(Settings(
        database_url=PG, database_read_url="postgres://replica-1/unionhub"))[0]["credentials"]


def test_replicas_need_a_postgresql_primary():
    with pytest.raises(db.UnsupportedDatabase, match="PostgreSQL DATABASE_URL"):
        db.replica_configs(Settings(database_url="sqlite://x.sqlite3",
                                    database_read_url="postgres://replica-1/unionhub"))
    with pytest.raises(db.UnsupportedDatabase):
        db.replica_configs(Settings(database_url=PG, database_read_url="sqlite://x.sqlite3"))
    with pytest.raises(db.UnsupportedDatabase, match="READ_URL"):
        db.replica_configs(Settings(database_url=PG, database_read_url="replica-1:5432"))


async def _product(name: str) -> Product:
    supplier = await catalogue.create_supplier(name="合作社", region_code="611026",
                                               region_name="陕西省商洛市柞水县", certified=False)
    category = await catalogue.create_category("特产")
    return await catalogue.create_product(
        supplier_id=supplier.id, category_id=category.id, name=name, description="",
        skus=[catalogue.SkuSpec("500g", 5000, 10)])


@pytest.fixture
async def replicas():
    replicas = require_replica()
    max_lag = replicas.max_lag
    yield replicas
    replicas.max_lag = max_lag
    await caught_up()
    await fresh(replicas)


async def test_a_routed_read_answers_from_the_replica(replicas):
    product = await _product("before")
    async with replay_paused():
        await Product.filter(id=product.id).update(name="after")
        replicas.max_lag = 60
        await fresh(replicas)
        assert (await catalogue.get_product(product.id)).name == "before"  # the replica's
        assert (await Product.get(id=product.id)).name == "after"  # an unrouted read
    await fresh(replicas)
    assert (await catalogue.get_product(product.id)).name == "after"  # replayed


async def test_a_lagging_replica_is_skipped_and_its_lag_is_a_metric(replicas):
    product = await _product("before")
    async with replay_paused():
        await Product.filter(id=product.id).update(name="after")
        await asyncio.sleep(1.2)  # the last replayed commit is now over a second old
        await fresh(replicas)
        lag = replicas.replicas[0].lag
        assert lag is not None and lag >= 1.0
        exported = [p.value for p in points("unionhub.db.replica.lag")]
        assert exported and max(exported) >= 1.0
        replicas.max_lag = 0.5
        skipped = total(READS, {"db.replica.route": "primary", "reason": "lagging"})
        assert (await catalogue.get_product(product.id)).name == "after"  # the primary's
        assert total(READS, {"db.replica.route": "primary", "reason": "lagging"}) == skipped + 1
    await fresh(replicas)
    assert replicas.replicas[0].lag < 0.5
    assert max(p.value for p in points("unionhub.db.replica.lag")) < 0.5


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once it is closed


async def test_a_replica_that_is_down_is_skipped(replicas):
    product = await _product("on the primary")
    settings = Settings(database_url=PG, database_read_url=(
        f"postgres://postgres@127.0.0.1:{_closed_port()}/unionhub"))
    config = db.replica_configs(settings)[0]
    from tortoise.backends.asyncpg import client_class

    dead = db_replicas.Replica(name="dead", client=client_class(
        connection_name="default", **config["credentials"]))
    down = db_replicas.ReplicaSet([dead], max_lag=5, check_every=1, check_timeout=2)
    real = db_replicas.install(down)
    try:
        await down.check_all()
        assert not dead.up
        assert {p.attributes["db.replica"]: p.value
                for p in points("unionhub.db.replica.up")} == {"dead": 0}
        before = total(READS, {"db.replica.route": "primary", "reason": "down"})
        assert (await catalogue.get_product(product.id)).name == "on the primary"
        assert total(READS, {"db.replica.route": "primary", "reason": "down"}) == before + 1
    finally:
        db_replicas.install(real)
        await down.close()


async def test_a_replica_cut_off_from_its_primary_is_not_fresh(replicas):
    """A replica whose WAL receiver lost the primary has replayed all it received, so it
    has nothing to replay: that is no lag only while it still receives. Cut off, it falls
    behind every commit since, and must be skipped once the last one it replayed is older
    than the allowed lag."""
    product = await _product("before")
    async with receiver_cut(_closed_port()):
        await Product.filter(id=product.id).update(name="after")
        await asyncio.sleep(1.2)  # the last commit it replayed is now over a second old
        await fresh(replicas)
        replicas.max_lag = 0.5
        assert (await catalogue.get_product(product.id)).name == "after"  # the primary's
    await fresh(replicas)
    assert replicas.replicas[0].lag < 0.5


async def _replica_ctl(action: str) -> None:
    process = await asyncio.create_subprocess_exec(
        os.environ["UNIONHUB_TEST_REPLICA_CTL"], action, stdout=asyncio.subprocess.DEVNULL)
    assert await asyncio.wait_for(process.wait(), 60) == 0


async def test_a_replica_down_since_its_check_is_retried_on_the_primary(replicas):
    """The replica stops between its check and a read: the read fails there and runs again on
    the primary (the request does not fail), and the replica is skipped until it is back."""
    if not os.environ.get("UNIONHUB_TEST_REPLICA_CTL"):
        pytest.skip("stops and starts the replica of .ci/pg-replica")
    product = await _product("before")
    await caught_up()
    async with admin() as replica:
        await replica.execute("SELECT pg_wal_replay_pause()")  # (a restart resumes it)
    await Product.filter(id=product.id).update(name="after")
    replicas.max_lag = 60
    await fresh(replicas)
    assert (await catalogue.get_product(product.id)).name == "before"  # the replica's
    await _replica_ctl("stop")
    try:
        failed = total(READS, {"db.replica.route": "primary", "reason": "failed"})
        assert replicas.replicas[0].up  # as far as this process knows
        assert (await catalogue.get_product(product.id)).name == "after"  # the primary's
        assert total(READS, {"db.replica.route": "primary", "reason": "failed"}) == failed + 1
        assert not replicas.replicas[0].up
    finally:
        await _replica_ctl("start")
    for _ in range(50):
        await fresh(replicas)
        if replicas.replicas[0].up:
            break
        await asyncio.sleep(0.1)
    assert replicas.replicas[0].up
    await caught_up()
    assert (await catalogue.get_product(product.id)).name == "after"


async def test_without_replicas_routed_reads_run_on_the_primary():
    product = await _product("here")
    real = db_replicas.install(None)
    try:
        assert (await catalogue.get_product(product.id)).name == "here"
    finally:
        db_replicas.install(real)


async def test_a_cache_fill_reached_from_a_routed_read_reads_the_primary(replicas, factory):
    """The union cache (30 s) must not keep a replica's stale row as current: its fill is
    `on_primary`, while the routed function's own reads come from the replica."""
    from unionhub.identity import orgs
    from unionhub.identity.models import Union

    union = (await factory.tree()).province

    @db_replicas.replica_read
    async def both() -> tuple[str, str]:
        routed = (await Union.get(id=union.id)).name
        cached = (await orgs.unions_by_ids([union.id]))[union.id].name
        return routed, cached

    async with replay_paused():
        await Union.filter(id=union.id).update(name="renamed")
        orgs.clear_union_cache()
        replicas.max_lag = 60
        await fresh(replicas)
        assert await both() == (union.name, "renamed")
    orgs.clear_union_cache()


async def test_a_row_the_replica_lacks_is_read_on_the_primary_before_it_is_cached_as_missing(
        replicas):
    """The catalogue's supplier and category caches (60 s, negative entries kept) fill from the
    replica. A product read on the primary (its creator's payload, a member's own order) can
    name a supplier created within the lag: the replica not finding it must not make this
    process answer that supplier as missing for a minute. An id the primary lacks too is
    cached as missing, as before (row_cache.py)."""
    from unionhub.mall import loaders

    async with replay_paused():
        product = await _product("new")  # supplier, category and product: the primary only
        replicas.max_lag = 60
        await fresh(replicas)
        assert await Product.filter(id=product.id).using_db(replicas.replicas[0].client).count() == 0
        again = total(READS, {"db.replica.route": "primary", "reason": "not_found"})
        unknown = product.supplier_id + 1000
        found = await loaders.suppliers([product.supplier_id, unknown])
        assert [s.id if s else None for s in found] == [product.supplier_id, None]
        assert [c.id for c in await loaders.categories([product.category_id])] == [
            product.category_id]
        assert total(READS, {"db.replica.route": "primary", "reason": "not_found"}) == again + 2
        assert product.supplier_id in loaders.supplier_rows  # a row, not a negative entry
        assert unknown not in loaders.supplier_rows and loaders.supplier_rows.cached(unknown) is None
        # Both answered from the cache now: no further read, wherever.
        reads = total(READS, {"db.replica.route": "replica", "reason": "fresh"})
        assert (await loaders.suppliers([product.supplier_id, unknown]))[1] is None
        assert total(READS, {"db.replica.route": "replica", "reason": "fresh"}) == reads
