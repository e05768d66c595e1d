"""`unionhub serve` with the hot lookup's shared Redis connection on coredis (bench only).

coredis multiplexes commands over a few connections, as fastpath/shared_redis.py does over one:
this runs the server with the hot lookup's commands (the one-round-trip EVALSHA, and the
revocation list's XRANGE) sent through a coredis client instead, everything else unchanged
(spans, audit, the redis-py client for the rest). bench/redis_clients.py starts it next to a
server on ours; coredis comes from the directory in UNIONHUB_BENCH_COREDIS (installed there by
that script, not into the project's environment).

    python bench/coredis_serve.py serve --workers 1 --port 8000
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

sys.path.append(os.environ["UNIONHUB_BENCH_COREDIS"])  # after the venv: its packages win
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import coredis
import coredis.exceptions
from redis.exceptions import NoScriptError

from unionhub import cache
from unionhub.identity import lookup, revocation
from unionhub.settings import get_settings


class CoredisConnection:
    """The shared connection's interface (`execute(*args)`, `client`, `loop`) on coredis."""

    def __init__(self, client: Any) -> None:
        self.client = client  # redis-py's: SCRIPT LOAD on NOSCRIPT, the spans' attributes
        self.loop = asyncio.get_running_loop()
        self.core = coredis.Redis.from_url(get_settings().redis_url, decode_responses=True)
        self.ready = asyncio.Event()
        self.stop = asyncio.Event()
        # coredis's pool lives inside `async with`: held open by a task of its own.
        self.holder = self.loop.create_task(self._hold())
        print(f"coredis {coredis.__version__}: the hot lookup's commands go through it",
              file=sys.stderr, flush=True)

    async def _hold(self) -> None:
        async with self.core:
            self.ready.set()
            await self.stop.wait()

    async def execute(self, *args: Any) -> Any:
        if not self.ready.is_set():
            await self.ready.wait()
        name, *rest = args
        if name == "EVALSHA":
            sha, count, *values = rest
            try:
                return await self.core.evalsha(sha, keys=values[:count], args=values[count:])
            except coredis.exceptions.NoScriptError as exc:
                raise NoScriptError(str(exc)) from exc
        if name == "XRANGE":
            return [(entry.identifier, dict(entry.field_values))
                    for entry in await self.core.xrange(*rest)]
        raise NotImplementedError(name)

    def close_soon(self) -> None:
        self.stop.set()

    async def close(self) -> None:
        self.stop.set()
        await self.holder


_shared: CoredisConnection | None = None


def shared_connection() -> CoredisConnection:
    global _shared
    client = cache.get_redis()
    if _shared is None or _shared.client is not client or _shared.loop is not asyncio.get_running_loop():
        _shared = CoredisConnection(client)
    return _shared


cache.shared_connection = lookup.shared_connection = revocation.shared_connection = shared_connection

if __name__ == "__main__":
    from unionhub.cli import main

    sys.argv[0] = "unionhub"
    sys.exit(main())
