"""GET /ready answers, and names what is down, even when a dependency does not answer at all
(a host gone from the network: packets dropped, no refusal): each probe has a deadline and
they run side by side, so one silent dependency neither hangs the answer nor hides the
other's state."""

from __future__ import annotations

import asyncio
import time

import redis.asyncio as redis

from unionhub import cache


async def test_ready_answers_within_its_deadline_when_redis_is_silent(http, monkeypatch):
    held: list[asyncio.StreamWriter] = []

    async def accept_and_say_nothing(_: asyncio.StreamReader, writer: asyncio.StreamWriter):
        held.append(writer)

    server = await asyncio.start_server(accept_and_say_nothing, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    silent = redis.Redis(host="127.0.0.1", port=port)
    monkeypatch.setattr(cache, "_client", silent)
    started = time.monotonic()
    try:
        async with asyncio.timeout(15):  # (before: no answer at all)
            ready = await http.get("/ready")
    finally:
        for writer in held:
            writer.close()
        server.close()
        await silent.aclose()
    assert time.monotonic() - started < 10
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "database": "ok",
                            "redis": "unavailable (TimeoutError)"}
