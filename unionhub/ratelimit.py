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

Keys are keyed hashes under the blind-index key, which `unionhub keys rotate` replaces. While a
retired key is still configured (a rotation under way), a counter is also read under each
retired key and the current key's counter is raised to it before the count (`previous` in
`run`, `_carry`): the new key's counters start where the old ones were, rather than from zero,
and counts a process still on the old key makes meanwhile are taken in. Forgetting (a reset,
a pair's success) deletes under every live key.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from unionhub.cache import get_redis, safe
from unionhub.client_address import limit_subject
from unionhub.crypto.keyring import Key, keyring
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
# A counter (or wait key) under a retired key: its value and seconds left.
READ_SCRIPT = "return {redis.call('GET', KEYS[1]) or '0', redis.call('TTL', KEYS[1])}"
# Raise the current key's counter to a retired key's, with that one's expiry: never lowers it.
CARRY_SCRIPT = """
local have = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('TTL', KEYS[1])
local n, left = tonumber(ARGV[1]), tonumber(ARGV[2])
if n > have or (n == have and n > 0 and left > ttl) then
  redis.call('SET', KEYS[1], n, 'EX', left)
end
return 0
"""

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
              per_process: bool = True, previous: list[list[str]] | None = None) -> Any:
    """Evaluate a limit's script on Redis or, while Redis fails, on this process's store (or
    raise `LimitsUncounted` when `per_process` is False). `previous`: the same keys under each
    retired key (`under_live_keys`), carried into `keys` first (`_carry`)."""
    if previous:
        await _carry(limit, keys, previous, per_process=per_process)
    return await _eval(limit, script, keys, args, per_process=per_process)


async def _eval(limit: str, script: str, keys: list[str], args: list[str], *,
                per_process: bool) -> Any:
    answer = await safe(get_redis().eval(script, len(keys), *keys, *args), _DOWN)  # type: ignore[arg-type]  # redis-py types eval as sync or async
    if answer is not _DOWN:
        return answer
    if not per_process:
        log.warning("redis unavailable: %s refused, its limit cannot be counted", limit)
        RATE_LIMIT_FALLBACK.add(1, {"limit": limit, "outcome": "refused"})
        raise LimitsUncounted(limit)
    return await _on_fallback(limit, script, keys, args)


async def _carry(limit: str, keys: list[str], previous: list[list[str]], *,
                 per_process: bool) -> None:
    """Raise each of `keys` to the highest of its counterparts under the retired keys (one
    slot each: a cluster runs no script across slots)."""
    async def read(key: str) -> tuple[int, int]:
        value, ttl = await _eval(limit, READ_SCRIPT, [key], [], per_process=per_process)
        return int(value), int(ttl)

    for position, key in enumerate(keys):
        olds = await asyncio.gather(*(read(p[position]) for p in previous))
        value, ttl = max(olds)
        if value > 0 and ttl > 0:
            await _eval(limit, CARRY_SCRIPT, [key], [str(value), str(ttl)],
                        per_process=per_process)


def under_live_keys(keys: Callable[[Key | None], list[str]]) -> tuple[list[str], list[list[str]]]:
    """A limit's keys under the current key, and under each retired key still configured
    (`previous` for `run`; empty outside a rotation)."""
    ring = keyring()
    return keys(None), [keys(key) for key in ring.live[1:]]


async def forget(limit: str, keys: list[str], previous: list[list[str]]) -> None:
    """Delete a limit's keys under every live key (one slot per key set)."""
    await asyncio.gather(*(run(limit, DELETE_SCRIPT, each, []) for each in (keys, *previous)))


def clear_fallback() -> None:
    """Forget the per-process counters (tests: each starts with none)."""
    _fallback.update(server=None, client=None, loop=None, warned=None)
    _fallback_keys.clear()


def _key(rule: Rule, subject: str, key: Key | None = None, indexed_as: str | None = None) -> str:
    # A client address counts as its IPv6 /64 (`client_address.limit_subject`); other subjects
    # (a member id) are not addresses and stay as they are. `indexed_as`: the subject is a
    # value counted by its blind index under that purpose (an ID number), under the same key.
    if indexed_as is not None:
        subject = blind_index(subject, indexed_as, key)
    return f"rl:v1:{rule.name}:{blind_index(limit_subject(subject), 'ratelimit', key)[:32]}"


async def count(rule: Rule, subject: str, *, per_process: bool = True,
                indexed_as: str | None = None) -> int:
    """Count one attempt; refuse it when it goes over the limit. Count before the work the
    limit guards (a password check): checking first and counting after lets a concurrent burst
    through. `indexed_as`: see `_key`."""
    keys, previous = under_live_keys(lambda key: [_key(rule, subject, key, indexed_as)])
    attempts, ttl = await run(rule.name, COUNT_SCRIPT, keys, [str(rule.window_seconds)],
                              per_process=per_process, previous=previous)
    if int(attempts) > rule.limit:
        retry = max(int(ttl), 1) if int(ttl) > 0 else rule.window_seconds
        raise RateLimited(f"too many attempts; try again in {human_duration(retry)}",
                          retry_after_seconds=retry)
    return int(attempts)


async def reset(rule: Rule, subject: str) -> None:
    await forget(rule.name, *under_live_keys(lambda key: [_key(rule, subject, key)]))


def human_duration(seconds: int) -> str:
    return f"{seconds} s" if seconds < 120 else f"{math.ceil(seconds / 60)} min"
