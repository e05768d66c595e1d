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
from unionhub.errors import RateLimited
from unionhub.identity.crypto import blind_index


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window_seconds: int


def _key(rule: Rule, subject: str) -> str:
    return f"rl:v1:{rule.name}:{blind_index(subject, 'ratelimit')[:32]}"


async def _retry_after(key: str, default: int) -> int:
    ttl = await safe(get_redis().ttl(key), default)
    return max(int(ttl), 1) if ttl and ttl > 0 else default


async def ensure_allowed(rule: Rule, subject: str) -> None:
    """Refuse when the subject is already over the limit (a lockout), without counting."""
    key = _key(rule, subject)
    count = await safe(get_redis().get(key), None)
    if count is not None and int(count) >= rule.limit:
        retry = await _retry_after(key, rule.window_seconds)
        raise RateLimited(f"too many attempts; try again in {human_duration(retry)}",
                          retry_after_seconds=retry)


async def count(rule: Rule, subject: str) -> int:
    """Count one attempt; refuse it when it goes over the limit."""
    key = _key(rule, subject)
    pipe = get_redis().pipeline(transaction=True)
    pipe.incr(key)
    pipe.expire(key, rule.window_seconds, nx=True)
    result = await safe(pipe.execute(), None)
    if result is None:
        return 0
    attempts = int(result[0])
    if attempts > rule.limit:
        retry = await _retry_after(key, rule.window_seconds)
        raise RateLimited(f"too many attempts; try again in {human_duration(retry)}",
                          retry_after_seconds=retry)
    return attempts


async def reset(rule: Rule, subject: str) -> None:
    await safe(get_redis().delete(_key(rule, subject)), 0)


def human_duration(seconds: int) -> str:
    return f"{seconds} s" if seconds < 120 else f"{math.ceil(seconds / 60)} min"
