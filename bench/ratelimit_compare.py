"""Rate limiting: our fixed windows (`unionhub.ratelimit`, `identity.lockout`) against the
`limits` library's async Redis strategies (moving window, sliding-window counter, fixed
window), per attempt, on a real Redis (issue 16, point 3: measured before extending).

    pip install 'limits[async-redis]==5.8.0'   # bench only: not a dependency of the platform
    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/ratelimit_compare.py

Each contender counts `--attempts` attempts against one key, sequentially (latency) and from
`--concurrency` tasks at once (throughput), and reports µs per attempt (wall clock) and the
Redis round trips per attempt. The keys it wrote are deleted at the end. Figures are only
comparable within one run on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid

from limits import RateLimitItemPerMinute
from limits.aio.storage import RedisStorage
from limits.aio.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    SlidingWindowCounterRateLimiter,
)

from unionhub import cache
from unionhub.errors import RateLimited
from unionhub.identity import lockout
from unionhub.ratelimit import Rule, count


async def _timed(attempt, n: int, concurrency: int) -> tuple[float, float]:
    started = time.perf_counter()
    for i in range(n):
        await attempt(i)
    sequential = (time.perf_counter() - started) / n * 1e6
    per_task = n // concurrency

    async def worker(w: int) -> None:
        for i in range(per_task):
            await attempt(w * per_task + i)

    started = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    concurrent = (time.perf_counter() - started) / (per_task * concurrency) * 1e6
    return sequential, concurrent


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    url = os.environ["REDIS_URL"]
    run = uuid.uuid4().hex[:8]
    # A limit no attempt reaches: the cost of counting, not of refusing.
    big = 10**9
    rule = Rule(f"bench-{run}", big, 900)
    item = RateLimitItemPerMinute(big, 15)
    storage = RedisStorage(url.replace("redis://", "async+redis://"),
                           implementation="redispy", key_prefix=f"bench-{run}")

    async def ours_fixed(i: int) -> None:
        await count(rule, "subject")

    async def ours_lockout(i: int) -> None:  # an attempt reserved (phone, pair), then given back
        try:
            await (await lockout.reserve(f"bench-{run}-{i}", "203.0.113.7")).succeeded()
        except RateLimited:
            pass

    contenders = {
        "unionhub fixed window (INCR+EXPIRE pipeline)": (ours_fixed, 1),
        "unionhub lockout reservation (two scripts) + success": (ours_lockout, 1),
    }
    for name, strategy in (("limits moving window", MovingWindowRateLimiter),
                           ("limits sliding window counter", SlidingWindowCounterRateLimiter),
                           ("limits fixed window", FixedWindowRateLimiter)):
        limiter = strategy(storage)

        async def hit(i: int, limiter=limiter, subject=strategy.__name__) -> None:
            await limiter.hit(item, subject)  # a key per strategy: their types differ

        contenders[f"{name} (hit)"] = (hit, None)

    os.environ.setdefault("UNIONHUB_RATE_LIMIT_WINDOW_SECONDS", "900")
    os.environ["UNIONHUB_LOGIN_FAILURES_PER_PHONE"] = str(big)
    os.environ["UNIONHUB_LOGIN_FAILURES_PER_PAIR"] = str(big)
    print(f"{args.attempts} attempts; concurrency {args.concurrency}; Redis {url}")
    print(f"{'contender':52} {'µs sequential':>14} {'µs concurrent':>14} {'round trips':>12}")
    for name, (attempt, trips) in contenders.items():
        await attempt(0)  # connect, load scripts
        sequential, concurrent = await _timed(attempt, args.attempts, args.concurrency)
        print(f"{name:52} {sequential:14.0f} {concurrent:14.0f} {trips or '1 (Lua)':>12}")
    redis = cache.get_redis()
    keys = [k async for k in redis.scan_iter(match=f"*bench-{run}*")]
    keys += [k async for k in redis.scan_iter(match="rl:v1:login-*")]  # the lockout's
    if keys:
        await redis.delete(*keys)
    await cache.close_redis()


if __name__ == "__main__":
    asyncio.run(main())
