"""Redis Cluster and Sentinel (issue 22, point 1): a misconfigured Redis is loud, and arq and
the hot path work through Sentinel.

The tests that need a real cluster node or sentinel read where they are from the environment
(`.ci/redis-cluster` sets them: UNIONHUB_TEST_CLUSTER_NODE, UNIONHUB_TEST_PLAIN_REDIS,
UNIONHUB_TEST_SENTINELS) and are skipped without them; the rest of the suite runs on the
cluster itself through that script (REDIS_URL=redis+cluster://...).
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid

import pytest
import redis.asyncio as redis
from arq import create_pool
from arq.worker import Worker, func
from pydantic import ValidationError

from tests.content.helpers import READ, published
from tests.metrics_helpers import total
from unionhub import cache, redis_topology
from unionhub.content import reads
from unionhub.fastpath.shared_redis import SharedConnection
from unionhub.services import points
from unionhub.settings import Settings
from unionhub.worker import arq_redis_settings

CLUSTER_NODE = os.environ.get("UNIONHUB_TEST_CLUSTER_NODE")
PLAIN_REDIS = os.environ.get("UNIONHUB_TEST_PLAIN_REDIS")
SENTINELS = os.environ.get("UNIONHUB_TEST_SENTINELS")
MASTER = os.environ.get("UNIONHUB_TEST_SENTINEL_MASTER", "unionhub")

needs_cluster = pytest.mark.skipif(not CLUSTER_NODE, reason="UNIONHUB_TEST_CLUSTER_NODE unset")
needs_plain = pytest.mark.skipif(not PLAIN_REDIS, reason="UNIONHUB_TEST_PLAIN_REDIS unset")
needs_sentinel = pytest.mark.skipif(not SENTINELS, reason="UNIONHUB_TEST_SENTINELS unset")


@pytest.fixture(autouse=True)
def _forget_problems():
    redis_topology.clear()
    yield
    redis_topology.clear()


def _settings(**given: object) -> Settings:
    """Settings from `given` alone: the environment (the CI slices set the cluster, sentinel
    and arq variables) must not add to them."""
    return Settings(**{"redis_cluster": False, "redis_sentinels": None, "arq_redis_url": None,
                       **given})


def test_a_cluster_url_or_setting_makes_a_cluster_client_and_arq_needs_its_own_redis():
    for settings in (_settings(redis_url="redis+cluster://127.0.0.1:1"),
                     _settings(redis_url="redis://127.0.0.1:1", redis_cluster=True)):
        assert isinstance(redis_topology.make_server_client(settings), redis_topology.RedisCluster)
        with pytest.raises(SystemExit, match="UNIONHUB_ARQ_REDIS_URL"):
            arq_redis_settings(settings)
        separate = settings.model_copy(update={"arq_redis_url": "redis://127.0.0.1:2/3"})
        arq = arq_redis_settings(separate)
        assert (arq.host, arq.port, arq.database) == ("127.0.0.1", 2, 3)
    plain = _settings(redis_url="redis://127.0.0.1:1/4")
    assert type(redis_topology.make_server_client(plain)) is redis.Redis
    with pytest.raises(ValidationError, match="host:port"):
        _settings(redis_url="redis://127.0.0.1:1/4", redis_sentinels="s1:26379,s2:port")


@needs_cluster
async def test_one_cluster_node_named_as_one_server_refuses_to_start():
    assert CLUSTER_NODE
    settings = _settings(redis_url=CLUSTER_NODE)
    client = redis_topology.make_server_client(settings)
    before = total("unionhub.redis.misconfigured", {"reason": "cluster_node"})
    try:
        with pytest.raises(redis_topology.RedisMisconfigured, match="UNIONHUB_REDIS_CLUSTER=1"):
            await redis_topology.check(client, settings)
    finally:
        await client.aclose()
    assert total("unionhub.redis.misconfigured", {"reason": "cluster_node"}) == before + 1


@needs_cluster
async def test_a_moved_reply_at_run_time_is_logged_counted_and_fails_ready(http, caplog):
    """Redis reachable at start-up as a plain server, a cluster node later (or a start-up
    check that could not run): requests still fall back, but loudly."""
    assert CLUSTER_NODE
    node = redis.Redis.from_url(CLUSTER_NODE, decode_responses=True)
    before = total("unionhub.redis.misconfigured", {"reason": "moved"})
    try:
        # Of 16 keys some hash to a slot this node does not serve: it answers MOVED.
        with caplog.at_level(logging.ERROR, logger="unionhub.redis_topology"):
            answers = [await cache.safe(node.get(f"k{i}"), "fallback") for i in range(16)]
    finally:
        await node.aclose()
    assert "fallback" in answers
    assert total("unionhub.redis.misconfigured", {"reason": "moved"}) > before
    assert [r.message for r in caplog.records].count(
        "redis misconfigured: " + (redis_topology.problem() or "")) == 1  # once a minute
    ready = await http.get("/ready")
    assert ready.status_code == 503
    assert ready.json()["redis"] == "unavailable (RedisMisconfigured)"
    redis_topology.clear()
    assert (await http.get("/ready")).status_code == 200


async def _node_answering_moved(key: str) -> redis.Redis:
    """A client on the cluster node that does not serve `key`'s slot, as one server."""
    assert CLUSTER_NODE
    seed = redis.Redis.from_url(CLUSTER_NODE, decode_responses=True)
    try:
        listed = await seed.execute_command("CLUSTER NODES")
        if isinstance(listed, str):  # (redis-py parses it into a dict, or not)
            listed = [line.split()[1] for line in listed.splitlines() if line.strip()]
        nodes = [address.split("@")[0] for address in listed]
    finally:
        await seed.aclose()
    for address in nodes:
        node = redis.Redis.from_url(f"redis://{address}", decode_responses=True)
        try:
            await node.get(key)
        except redis.ResponseError as exc:
            if str(exc).startswith("MOVED"):
                return node
        await node.aclose()
    raise AssertionError(f"every node serves {key}'s slot")


@needs_cluster
async def test_a_moved_reply_to_a_read_that_falls_back_on_its_own_is_noted(gql, factory):
    """markArticleRead and nearbyServicePoints catch Redis failures themselves (not through
    `cache.safe`) and answer from the database: a cluster reply there must still count as
    a misconfiguration, not pass as a quiet fall back."""
    tree = await factory.tree()
    author, checker = await factory.cadre(tree.counties["A"]), await factory.cadre(tree.province)
    article_id = await published(gql, author, checker, tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    nearby = """query { nearbyServicePoints(latitude: 34.26, longitude: 108.94, radiusKm: 5)
                 { id } }"""
    for query, variables, key in ((READ, {"id": article_id}, reads.QUEUE),
                                  (nearby, {}, points.GEO_KEY)):
        saved, cache._client = cache._client, await _node_answering_moved(key)
        try:
            answer = await gql(query, variables, token=member.token)
        finally:
            await cache._client.aclose()
            cache._client = saved
        assert answer.errors == []
        assert redis_topology.problem() is not None, query
        redis_topology.clear()


@needs_plain
async def test_cluster_mode_pointed_at_a_plain_server_refuses_to_start():
    assert PLAIN_REDIS
    settings = _settings(redis_url=PLAIN_REDIS, redis_cluster=True)
    client = redis_topology.make_server_client(settings)
    try:
        with pytest.raises(redis_topology.RedisMisconfigured, match="not a Redis Cluster"):
            await redis_topology.check(client, settings)
    finally:
        await client.aclose()


def _sentinel_settings() -> Settings:
    # REDIS_URL's host is never used with sentinels: only its database (and password).
    return _settings(redis_url="redis://unused.invalid:6379/3", redis_sentinels=SENTINELS,
                     redis_sentinel_master=MASTER)


@needs_sentinel
async def test_the_primary_behind_sentinel_serves_the_client_and_the_shared_connection():
    settings = _sentinel_settings()
    client = redis_topology.make_server_client(settings)
    try:
        key = f"sentinel:{uuid.uuid4().hex}"
        await client.set(key, "1", ex=60)
        assert await client.get(key) == "1"
        assert (await client.info("replication"))["role"] == "master"
        shared = SharedConnection(client)  # the hot path's connection, through the sentinel
        assert await shared.execute("GET", key) == "1"
        await shared.close()
    finally:
        await client.aclose()


@needs_sentinel
@pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")  # arq's own
async def test_arq_runs_a_job_on_the_primary_behind_sentinel():
    settings = _sentinel_settings()
    redis_settings = arq_redis_settings(settings)
    assert redis_settings.sentinel and redis_settings.sentinel_master == MASTER
    queue = f"unionhub:test:{uuid.uuid4().hex}"
    ran: list[int] = []

    async def job(_ctx: dict, value: int) -> int:
        ran.append(value)
        return value * 2

    pool = await create_pool(redis_settings)
    try:
        enqueued = await pool.enqueue_job("job", 21, _queue_name=queue)
        assert enqueued is not None
        worker = Worker(functions=[func(job, name="job")], redis_settings=redis_settings, queue_name=queue,
                        burst=True, poll_delay=0.05, handle_signals=False)
        try:
            await asyncio.wait_for(worker.main(), timeout=30)
        finally:
            await worker.close()
        assert ran == [21]
        assert await enqueued.result(timeout=5) == 42
    finally:
        await pool.aclose()
