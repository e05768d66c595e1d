"""Fixed-window rate limits in Redis, with lockout.

Keys hold a purpose and a keyed hash (never a phone number or address in clear). Counting
happens where the attempt is made (the domain function), so aliases and batches that repeat a
mutation inside one HTTP request are each counted. When Redis is unreachable the limiter lets
the attempt through (and logs it): sign-in must not depend on the cache being up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from unionhub.cache import get_redis, safe
from unionhub.client_address import limit_subject
from unionhub.errors import RateLimited
from unionhub.identity.crypto import blind_index


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window_seconds: int


# INCR and a first EXPIRE as one script on the key's slot: a Redis Cluster has no MULTI in
# redis-py's cluster client, and a counter left without its expiry would lock out for good.
COUNT_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
return n
"""


def _key(rule: Rule, subject: str) -> str:
    # A client address counts as its IPv6 /64 (`client_address.limit_subject`); other subjects
    # (a member id) are not addresses and stay as they are.
    return f"rl:v1:{rule.name}:{blind_index(limit_subject(subject), 'ratelimit')[:32]}"


async def _retry_after(key: str, default: int) -> int:
    ttl = await safe(get_redis().ttl(key), default)
    return max(int(ttl), 1) if ttl and ttl > 0 else default


async def count(rule: Rule, subject: str) -> int:
    """Count one attempt; refuse it when it goes over the limit. Count before the work the
    limit guards (a password check): checking first and counting after lets a concurrent burst
    through."""
    key = _key(rule, subject)
    counting = get_redis().eval(COUNT_SCRIPT, 1, key, str(rule.window_seconds))
    result = await safe(counting, None)  # type: ignore[arg-type]  # redis-py types its commands as sync or async
    if result is None:
        return 0
    attempts = int(result)
    if attempts > rule.limit:
        retry = await _retry_after(key, rule.window_seconds)
        raise RateLimited(f"too many attempts; try again in {human_duration(retry)}",
                          retry_after_seconds=retry)
    return attempts


async def reset(rule: Rule, subject: str) -> None:
    await safe(get_redis().delete(_key(rule, subject)), 0)


def human_duration(seconds: int) -> str:
    return f"{seconds} s" if seconds < 120 else f"{math.ceil(seconds / 60)} min"
