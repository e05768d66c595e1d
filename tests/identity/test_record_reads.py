"""Every member screen reads its caller's cached record first (the VERIFIED tier, `me`): that
MGET goes on the hot path's shared connection (`unionhub.fastpath.shared_redis`), as the
lookup's script does, not through redis-py's pool; the same answer with the fast path's
`redis` part off (the pool)."""

from __future__ import annotations

import collections
import contextlib
from collections.abc import Iterator
from typing import Any

from redis.asyncio.client import Redis

from tests.factories import Factory
from unionhub.fastpath import switch
from unionhub.fastpath.shared_redis import SharedConnection

ME = "query Me { me { id displayName tier union { name } card { number status } } }"


@contextlib.contextmanager
def _commands() -> Iterator[dict[str, collections.Counter[str]]]:
    """Commands sent on the shared connection and through the client (counted, then sent)."""
    seen: dict[str, collections.Counter[str]] = {"shared": collections.Counter(),
                                                  "pool": collections.Counter()}
    shared, pooled = SharedConnection.execute, Redis.execute_command

    async def on_shared(self: Any, *args: Any) -> Any:
        seen["shared"][str(args[0])] += 1
        return await shared(self, *args)

    async def on_pool(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen["pool"][str(args[0])] += 1
        return await pooled(self, *args, **kwargs)

    SharedConnection.execute = on_shared  # type: ignore[method-assign]
    Redis.execute_command = on_pool  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        SharedConnection.execute = shared  # type: ignore[method-assign]
        Redis.execute_command = pooled  # type: ignore[method-assign]


async def test_the_callers_record_is_read_on_the_shared_connection(gql, factory: Factory):
    member = await factory.account()
    previous = switch.set_switches(switch.Switches(redis=True))
    try:
        await gql(ME, token=member.token)  # the record cached
        with _commands() as seen:
            fast = await gql(ME, token=member.token)
        switch.set_switches(switch.Switches(redis=False))
        slow = await gql(ME, token=member.token)
    finally:
        switch.set_switches(previous)
    assert fast.errors == [] and fast.data == slow.data
    assert fast.data["me"]["tier"] == "VERIFIED"
    assert seen["shared"]["MGET"] == 1 and seen["pool"]["MGET"] == 0, seen
