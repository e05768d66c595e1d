"""Which Redis REDIS_URL names (one server, a Cluster, or a primary behind Sentinel), and a
misconfiguration that is loud rather than a silent fall back to the database (issue 22).

- One server: `redis.asyncio.Redis`, and the hot path's shared connection (`shared_redis`).
- A Cluster (`UNIONHUB_REDIS_CLUSTER=1` or a `redis+cluster://` URL; any node is a seed):
  `redis.asyncio.cluster.RedisCluster`. Keys that one command, script or MULTI touches share
  a hash tag (`{...}`), so they sit in one slot; commands over many slots (MGET of members)
  go through the cluster client's non-atomic per-slot forms. The hot path uses the cluster
  client's own connections, one pool per node, and follows MOVED/ASK as it does.
- Sentinel (`UNIONHUB_REDIS_SENTINELS`): the primary named `UNIONHUB_REDIS_SENTINEL_MASTER`
  through `redis.asyncio.sentinel`; after a failover the hot path's shared connection and the
  client's pool follow the new primary within `SENTINEL_CHECK_SECONDS` (`SentinelShared`).

A misconfiguration (REDIS_URL names one node of a cluster, or a cluster's slots are down)
shows as MOVED, ASK, CROSSSLOT or CLUSTERDOWN replies. The start-up check refuses to start on
one; at run time `cache.safe` still falls back to the database, but each one counts in
`unionhub.redis.misconfigured`, logs an error (at most once a minute) and turns `/ready` 503.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import redis.asyncio as redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.sentinel import Sentinel, SentinelConnectionPool
from redis.connection import parse_url
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisClusterException, ResponseError

from unionhub.observability.metrics import REDIS_MISCONFIGURED
from unionhub.settings import Settings

log = logging.getLogger(__name__)

_CLUSTER_SCHEMES = {"redis+cluster": "redis", "rediss+cluster": "rediss"}
_CLUSTER_REPLIES = ("MOVED ", "ASK ", "CROSSSLOT", "CLUSTERDOWN", "TRYAGAIN")
_LOG_EVERY_SECONDS = 60.0
SENTINEL_CHECK_SECONDS = 1.0  # how often a process asks Sentinel where the primary is
_READY_AFTER_SECONDS = 60.0  # /ready recovers this long after the last such reply

_problem: str | None = None
_seen_at = _logged_at = float("-inf")


class RedisMisconfigured(RuntimeError):
    """Redis answers, but not as the settings say it should (a cluster node as one server)."""


def is_cluster(settings: Settings) -> bool:
    url = settings.redis_url or ""
    return bool(url) and (settings.redis_cluster or urlsplit(url).scheme in _CLUSTER_SCHEMES)


def sentinel_hosts(value: str) -> list[tuple[str, int]]:
    hosts = []
    for item in value.split(","):
        host, _, port = item.strip().rpartition(":")
        hosts.append((host or item.strip(), int(port) if host else 26379))
    return hosts


def make_server_client(settings: Settings) -> Any:
    """The client for REDIS_URL: one server, a cluster or a primary behind sentinels."""
    url = settings.redis_url or ""
    common: dict[str, Any] = {"decode_responses": True, "socket_timeout": 2,
                              "socket_connect_timeout": 2}
    if settings.redis_sentinels:
        given = parse_url(url)  # the primary's password, user name and database number
        sentinel = Sentinel(sentinel_hosts(settings.redis_sentinels), socket_timeout=2,
                            socket_connect_timeout=2)
        return sentinel.master_for(
            settings.redis_sentinel_master, connection_pool_class=PrimaryPool,
            db=given.get("db", 0),
            password=given.get("password"), username=given.get("username"), **common)
    if is_cluster(settings):
        parts = urlsplit(url)
        plain = urlunsplit(parts._replace(scheme=_CLUSTER_SCHEMES.get(parts.scheme, parts.scheme)))
        return RedisCluster.from_url(plain, **common)
    return redis.Redis.from_url(url, **common)


class ClusterShared:
    """The hot path's shared connection (`shared_redis.SharedConnection`'s interface) on a
    cluster: the cluster client's public path, which picks the node by the key's slot."""

    def __init__(self, client: RedisCluster) -> None:
        self.client = client
        self.loop = asyncio.get_running_loop()

    async def execute(self, *args: Any) -> Any:
        return await self.client.execute_command(*args)

    def close_soon(self) -> None:
        """Nothing of its own to close: the connections are the client's."""

    async def close(self) -> None:
        """As `close_soon`."""


class PrimaryPool(SentinelConnectionPool):
    """redis-py's Sentinel pool, dropping a connection given back while it is on another
    server than the primary Sentinel last named: redis-py's synchronous pool does, its asyncio
    one put it back as it was, to serve later commands from the old primary."""

    async def release(self, connection: Any) -> None:
        primary = self.master_address
        if (primary is not None and connection.is_connected
                and (connection.host, connection.port) != tuple(primary)):
            await connection.disconnect(nowait=True)
        await super().release(connection)


def behind_sentinel(client: Any) -> bool:
    return isinstance(getattr(client, "connection_pool", None), SentinelConnectionPool)


class SentinelShared:
    """The hot path's shared connection behind Sentinel: `inner` (`SharedConnection`, or
    `cache.PooledConnection` with the fast path's `redis` part off) and a task that asks
    Sentinel every `SENTINEL_CHECK_SECONDS` where the primary is.

    redis-py asks Sentinel only when it makes a connection (and drops one answered READONLY),
    so a connection that stays up keeps talking to the old primary after a failover until
    Sentinel reconfigures that server (its clients killed): about 10 s after a forced failover,
    never while it is cut off from Sentinel but not from us. Meanwhile its writes are lost when
    it resynchronises (an invalidation, a revoked session) and its reads are stale. When the
    primary moved, the shared connection is dropped (what waits on it fails and falls back;
    the next command connects through Sentinel), and so are the pool's idle connections
    (redis-py's `get_master_address`) and, as they are given back, those in use then
    (`PrimaryPool`)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.client = inner.client
        self.loop: asyncio.AbstractEventLoop = inner.loop
        self.execute = inner.execute  # (bound: no frame more on the hot path)
        self._lost = False
        self._follower = self.loop.create_task(self._follow())

    async def _follow(self) -> None:
        pool = self.client.connection_pool
        while True:
            await asyncio.sleep(SENTINEL_CHECK_SECONDS)
            try:
                address = tuple(await pool.get_master_address())
            except (redis.RedisError, OSError) as exc:  # no Sentinel answers: keep what is open
                if not self._lost:  # once until one answers again
                    log.warning("redis sentinel: no primary found: %s", type(exc).__name__)
                self._lost = True
                continue
            self._lost = False
            peer = self.inner.peer()
            if peer is not None and peer != address:
                log.warning("redis sentinel: the primary moved, reconnecting")
                self.inner.drop(RedisConnectionError("the Redis primary moved"))

    def peer(self) -> tuple[str, int] | None:
        return self.inner.peer()  # type: ignore[no-any-return]

    def drop(self, exc: Exception) -> None:
        self.inner.drop(exc)

    def close_soon(self) -> None:
        self._follower.cancel()
        self.inner.close_soon()

    async def close(self) -> None:
        self._follower.cancel()
        await self.inner.close()


def cluster_reply(exc: BaseException) -> str | None:
    """The cluster reply a command got from a client that does not expect one, else None."""
    if isinstance(exc, RedisClusterException):  # unreachable is an outage, not this
        return None if "cannot be connected" in str(exc) else "cluster"
    if isinstance(exc, ResponseError):
        text = str(exc)
        for reply in _CLUSTER_REPLIES:
            if text.startswith(reply):
                return reply.strip().lower()
    return None


def note(exc: BaseException) -> bool:
    """Count and report a misconfiguration `exc` shows; True when it showed one."""
    reply = cluster_reply(exc)
    if reply is None:
        return False
    _report(reply, f"Redis answered {reply.upper()}: REDIS_URL names a Redis Cluster node (set "
                   "UNIONHUB_REDIS_CLUSTER=1) or the cluster is down; falling back to the database")
    return True


def _report(reason: str, message: str) -> None:
    global _problem, _seen_at, _logged_at
    now = time.monotonic()
    _problem, _seen_at = message, now
    REDIS_MISCONFIGURED.add(1, {"reason": reason})
    if now - _logged_at >= _LOG_EVERY_SECONDS:
        _logged_at = now
        log.error("redis misconfigured: %s", message)


def problem() -> str | None:
    """The misconfiguration seen in the last minute, for `/ready` (a failover's CLUSTERDOWN
    passes; a node named as one server keeps answering MOVED)."""
    return _problem if time.monotonic() - _seen_at < _READY_AFTER_SECONDS else None


def clear() -> None:
    global _problem, _seen_at, _logged_at
    _problem, _seen_at, _logged_at = None, float("-inf"), float("-inf")


async def check(client: Any, settings: Settings, what: str = "REDIS_URL",
                fix: str = "set UNIONHUB_REDIS_CLUSTER=1 (or a redis+cluster:// URL)") -> None:
    """Start-up: raise RedisMisconfigured when Redis answers unlike the settings say (one node
    of a cluster configured as a single server). An unreachable Redis passes: the platform
    starts and falls back to the database, as it always has."""
    if isinstance(client, RedisCluster):
        try:
            await client.initialize()  # refuses a server that is not in cluster mode
        except RedisClusterException as exc:
            if "cluster mode is not enabled" in str(exc).lower():
                message = f"{what} is not a Redis Cluster: unset UNIONHUB_REDIS_CLUSTER"
                _report("not_cluster", message)
                raise RedisMisconfigured(message) from None
            log.warning("redis cluster unreachable at start-up: %s", type(exc).__name__)
        return
    try:
        info = await client.info("cluster")
    except (OSError, redis.RedisError) as exc:  # unreachable: the fall back covers it
        log.warning("redis unreachable at start-up: %s", type(exc).__name__)
        return
    if int(info.get("cluster_enabled", 0) or 0):
        message = f"{what} names one node of a Redis Cluster: {fix}"
        _report("cluster_node", message)
        raise RedisMisconfigured(message)
