"""Fixed-window rate limits in Redis, with lockout.

Keys hold a purpose and a keyed hash (never a phone number or address in clear). Counting
happens where the attempt is made (the domain function), so aliases and batches that repeat a
mutation inside one HTTP request are each counted.

When Redis cannot be reached, limits are not dropped: every script runs instead on a store of
this process's own (fakeredis, so the same Lua decides), with a warning once per outage and
the metric `unionhub.ratelimit.fallback`. An outage thus degrades the limits to one set per
process, never to none, and sign-in still works without the cache. The store is bounded
(`FALLBACK_MAX_KEYS`, the least recently counted keys go first), its counters expire like
Redis's, and they are not merged back when Redis returns (Redis's own counts resume). A
caller that must not run on per-process limits (the paid real-name call) passes
`per_process=False` and gets `LimitsUncounted` instead.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from unionhub.cache import get_redis, safe
from unionhub.client_address import limit_subject
from unionhub.errors import RateLimited
from unionhub.identity.crypto import blind_index
from unionhub.observability.metrics import RATE_LIMIT_FALLBACK

log = logging.getLogger("unionhub.ratelimit")


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window_seconds: int


class LimitsUncounted(Exception):
    """Redis could not count an attempt whose rule refuses per-process counting."""


# INCR and a first EXPIRE as one script on the key's slot: a Redis Cluster has no MULTI in
# redis-py's cluster client, and a counter left without its expiry would lock out for good.
# Answers the count and the key's TTL (the wait of a refused attempt) in one round trip.
COUNT_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
return {n, redis.call('TTL', KEYS[1])}
"""
DELETE_SCRIPT = "return redis.call('DEL', unpack(KEYS))"

FALLBACK_MAX_KEYS = 100_000
WARN_EVERY_SECONDS = 60.0
_DOWN = object()
_fallback: dict[str, Any] = {"server": None, "client": None, "loop": None, "warned": None}
_fallback_keys: OrderedDict[str, None] = OrderedDict()


def _fallback_client() -> Any:
    import fakeredis

    loop = asyncio.get_running_loop()
    if _fallback["server"] is None:
        _fallback["server"] = fakeredis.FakeServer()
    if _fallback["client"] is None or _fallback["loop"] is not loop:  # (a client per loop)
        _fallback["client"] = fakeredis.FakeAsyncRedis(server=_fallback["server"],
                                                       decode_responses=True)
        _fallback["loop"] = loop
    return _fallback["client"]


async def _on_fallback(limit: str, script: str, keys: list[str], args: list[str]) -> Any:
    RATE_LIMIT_FALLBACK.add(1, {"limit": limit, "outcome": "per_process"})
    now, warned = time.monotonic(), _fallback["warned"]
    if warned is None or now - warned > WARN_EVERY_SECONDS:
        log.warning("redis unavailable: rate limits counted per process (%s)", limit)
    _fallback["warned"] = now
    client = _fallback_client()
    for key in keys:
        _fallback_keys[key] = None
        _fallback_keys.move_to_end(key)
    if len(_fallback_keys) > FALLBACK_MAX_KEYS:  # the least recently counted go first
        evicted = [_fallback_keys.popitem(last=False)[0]
                   for _ in range(len(_fallback_keys) - FALLBACK_MAX_KEYS)]
        await client.delete(*evicted)
    return await client.eval(script, len(keys), *keys, *args)


async def run(limit: str, script: str, keys: list[str], args: list[str], *,
              per_process: bool = True) -> Any:
    """Evaluate a limit's script on Redis or, while Redis fails, on this process's store (or
    raise `LimitsUncounted` when `per_process` is False)."""
    answer = await safe(get_redis().eval(script, len(keys), *keys, *args), _DOWN)  # type: ignore[arg-type]  # redis-py types eval as sync or async
    if answer is not _DOWN:
        return answer
    if not per_process:
        log.warning("redis unavailable: %s refused, its limit cannot be counted", limit)
        RATE_LIMIT_FALLBACK.add(1, {"limit": limit, "outcome": "refused"})
        raise LimitsUncounted(limit)
    return await _on_fallback(limit, script, keys, args)


def clear_fallback() -> None:
    """Forget the per-process counters (tests: each starts with none)."""
    _fallback.update(server=None, client=None, loop=None, warned=None)
    _fallback_keys.clear()


def _key(rule: Rule, subject: str) -> str:
    # A client address counts as its IPv6 /64 (`client_address.limit_subject`); other subjects
    # (a member id) are not addresses and stay as they are.
    return f"rl:v1:{rule.name}:{blind_index(limit_subject(subject), 'ratelimit')[:32]}"


async def count(rule: Rule, subject: str, *, per_process: bool = True) -> int:
    """Count one attempt; refuse it when it goes over the limit. Count before the work the
    limit guards (a password check): checking first and counting after lets a concurrent burst
    through."""
    attempts, ttl = await run(rule.name, COUNT_SCRIPT, [_key(rule, subject)],
                              [str(rule.window_seconds)], per_process=per_process)
    if int(attempts) > rule.limit:
        retry = max(int(ttl), 1) if int(ttl) > 0 else rule.window_seconds
        raise RateLimited(f"too many attempts; try again in {human_duration(retry)}",
                          retry_after_seconds=retry)
    return int(attempts)


async def reset(rule: Rule, subject: str) -> None:
    await run(rule.name, DELETE_SCRIPT, [_key(rule, subject)], [])


def human_duration(seconds: int) -> str:
    return f"{seconds} s" if seconds < 120 else f"{math.ceil(seconds / 60)} min"
