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
from redis.exceptions import RedisError

from unionhub.settings import Settings, get_settings
from unionhub.shared_redis import SharedConnection

log = logging.getLogger(__name__)
T = TypeVar("T")

_client: redis.Redis | None = None
_shared: SharedConnection | None = None
_fake_server: Any = None


def make_client(settings: Settings) -> redis.Redis:
    if settings.redis_url:
        return redis.Redis.from_url(
            settings.redis_url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2
        )
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


def shared_connection() -> SharedConnection:
    """The connection the hot read path's commands share (see `unionhub.shared_redis`), for
    this event loop and the current client."""
    global _shared
    client = get_redis()
    shared = _shared
    loop = asyncio.get_running_loop()
    if shared is None or shared.client is not client or shared.loop is not loop:
        if shared is not None and shared.loop is loop:
            shared.close_soon()  # its client was replaced
        shared = _shared = SharedConnection(client)
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
    """Run a Redis command; on a Redis failure log it (without arguments) and return default."""
    try:
        return await op
    except (RedisError, OSError) as exc:
        log.warning("redis unavailable, falling back: %s", type(exc).__name__)
        return default


async def ping() -> None:
    await get_redis().ping()
