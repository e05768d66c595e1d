"""Readiness of the platform's dependencies: what GET /ready answers and the operators'
`readiness` query reads, from one place."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from unionhub import cache, db

OK = "ok"
# A dependency gone from the network (packets dropped, no refusal) never answers: without a
# deadline /ready hung with it (redis-py has no socket timeout by default), and a probe that
# times out says nothing of which dependency was silent.
PROBE_TIMEOUT_SECONDS = 2.0


async def _check(probe: Callable[[], Awaitable[None]]) -> str:
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_SECONDS):
            await probe()
    except Exception as exc:  # readiness reports any failure; it never raises
        return f"unavailable ({type(exc).__name__})"
    return OK


async def readiness_checks() -> dict[str, str]:
    """Each dependency: "ok" or "unavailable (ExceptionType)" (never the message: it may
    hold a host or a user name; `TimeoutError` when it did not answer within
    PROBE_TIMEOUT_SECONDS). The probes run side by side: one silent dependency does not
    delay the other's answer."""
    names, probes = ("database", "redis"), (db.ping, cache.ping)
    results = await asyncio.gather(*(_check(probe) for probe in probes))
    return dict(zip(names, results, strict=True))
