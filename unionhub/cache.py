"""Redis through redis-py's asyncio client; an in-process fakeredis when REDIS_URL is unset.

Redis is never the only copy of anything that matters: callers that read through the cache
use the `safe_*` helpers, which treat an unreachable Redis as a miss so the request falls back
to the database and still succeeds.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

import redis.asyncio as redis
from redis.exceptions import RedisClusterException, RedisError

from unionhub import redis_topology
from unionhub.fastpath import switch
from unionhub.fastpath.shared_redis import SharedConnection
from unionhub.settings import Settings, get_settings

log = logging.getLogger(__name__)
T = TypeVar("T")

# What a Redis command raises when Redis fails. redis-py's cluster client raises
# RedisClusterException, which is not a RedisError, when it reaches no node: a caller that
# falls back on its own must catch it too, or a cluster outage answers an error.
FAILURES = (RedisError, RedisClusterException, OSError)

_client: redis.Redis | None = None
_shared: Shared | None = None
_fake_server: Any = None


def make_client(settings: Settings) -> redis.Redis:
    if settings.redis_url:  # one server, a cluster or a primary behind Sentinel
        return redis_topology.make_server_client(settings)
    import fakeredis

    global _fake_server
    if _fake_server is None:
        _fake_server = fakeredis.FakeServer()
    return fakeredis.FakeAsyncRedis(server=_fake_server, decode_responses=True)


def get_redis() -> redis.Redis:
    global _client
    if _client is None:
        _client = make_client(get_settings())
    return _client


class PooledConnection:
    """The shared connection's interface on redis-py's own pool (the fast path's `redis` part
    off): each command checks a connection out of the client's pool. Sent past our own span
    wrapper (`observability/redis_spans.py`): the caller makes the span, as for the shared one."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self.loop = asyncio.get_running_loop()

    async def execute(self, *args: Any) -> Any:
        send = getattr(redis.Redis.execute_command, "__wrapped__", redis.Redis.execute_command)
        return await send(self.client, *args)

    def close_soon(self) -> None:
        return None

    async def close(self) -> None:
        return None

    def peer(self) -> None:
        """The pool's connections are its own (`SentinelShared` tidies them)."""

    def drop(self, exc: Exception) -> None:
        """As `peer`."""


Shared = (SharedConnection | PooledConnection | redis_topology.ClusterShared
          | redis_topology.SentinelShared)


def _pooled(shared: Shared) -> bool:
    inner = shared.inner if isinstance(shared, redis_topology.SentinelShared) else shared
    return isinstance(inner, PooledConnection)


def is_cluster() -> bool:
    """The client is a Redis Cluster's: keys over several slots need the per-slot forms."""
    return isinstance(get_redis(), redis_topology.RedisCluster)


def mget(keys: list[str]) -> Awaitable[list[Any]]:
    """MGET of keys that may lie in several cluster slots: per slot on a cluster (not atomic,
    which no caller needs), one MGET otherwise."""
    client = get_redis()
    if isinstance(client, redis_topology.RedisCluster):
        return client.mget_nonatomic(keys)
    return client.mget(keys)


def shared_connection() -> Shared:
    """The connection the hot read path's commands share (see `unionhub.fastpath.shared_redis`),
    for this event loop and the current client; on a cluster, the cluster client's own path;
    redis-py's pool with the fast path's `redis` part off; behind Sentinel, either of those
    following the primary (`redis_topology.SentinelShared`)."""
    global _shared
    client = get_redis()
    shared = _shared
    loop = asyncio.get_running_loop()
    pooled = not switch.ON.redis
    if (shared is None or shared.client is not client or shared.loop is not loop
            or (_pooled(shared) is not pooled
                and not isinstance(shared, redis_topology.ClusterShared))):
        if shared is not None and shared.loop is loop:
            shared.close_soon()  # its client was replaced
        if isinstance(client, redis_topology.RedisCluster):
            shared = _shared = redis_topology.ClusterShared(client)
        else:
            shared = _shared = PooledConnection(client) if pooled else SharedConnection(client)
            if redis_topology.behind_sentinel(client):
                shared = _shared = redis_topology.SentinelShared(shared)
    return shared


async def close_redis() -> None:
    global _client, _shared
    shared, _shared = _shared, None
    if shared is not None and shared.loop is asyncio.get_running_loop():
        await shared.close()
    if _client is not None:
        await _client.aclose()
        _client = None


async def safe(op: Awaitable[T], default: T) -> T:
    """Run a Redis command; on a Redis failure log it (without arguments) and return default.
    A cluster reply (MOVED: REDIS_URL names one node of a cluster) is a misconfiguration:
    counted, logged as an error and shown by /ready (`redis_topology.note`)."""
    try:
        return await op
    except FAILURES as exc:
        fell_back(exc)
        return default


def fell_back(exc: BaseException) -> None:
    """Log a Redis failure (without arguments) that the caller falls back from, as `safe`
    does for the commands it runs."""
    if not redis_topology.note(exc):
        log.warning("redis unavailable, falling back: %s", type(exc).__name__)


async def ping() -> None:
    """/ready: Redis answers, and no misconfiguration was seen."""
    await get_redis().ping()
    problem = redis_topology.problem()
    if problem is not None:
        raise redis_topology.RedisMisconfigured(problem)


async def check_startup() -> None:
    """Refuse to start on a misconfigured Redis (`redis_topology.check`); none in the
    embedded mode. Behind Sentinel, follow the primary from now on (the worker too, whose
    jobs write through the pool: `redis_topology.SentinelShared`)."""
    if get_settings().redis_url:
        await redis_topology.check(get_redis(), get_settings())
        if redis_topology.behind_sentinel(get_redis()):
            shared_connection()
