"""The hot lookup behind Redis Sentinel through a failover (`UNIONHUB_REDIS_SENTINELS`): a
private primary, its replica and a Sentinel (tests/sentinel_servers.py), `SENTINEL FAILOVER`,
and the lookup must keep answering while the hot path's shared connection and the client's
pool follow the new primary: a write through either must land there, not on the old primary
that Sentinel reconfigures only seconds later (its writes then lost, its reads stale)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import pytest

from tests.factories import Factory
from tests.querycount import count_queries
from tests.sentinel_servers import NAME, SentinelServers, installed
from unionhub import cache, redis_topology
from unionhub.identity import lookup
from unionhub.identity.models import MemberCard
from unionhub.settings import Settings, get_settings

pytestmark = pytest.mark.skipif(not installed(), reason="redis-server is not installed")

# Sentinel asks the old primary to follow the new one only once it sees it still claiming the
# role (about 10 s after a forced failover here): the clients must have moved well before.
FOLLOWS_WITHIN_S = 3.0


@pytest.fixture
async def servers() -> AsyncIterator[SentinelServers]:
    """The servers, and the platform's Redis client and shared connection through them."""
    started = SentinelServers()
    try:
        await started.start()
        settings = Settings(redis_url="redis://unused.invalid:6379/0", redis_cluster=False,
                            redis_sentinels=started.sentinels, redis_sentinel_master=NAME,
                            arq_redis_url=None)
        client = redis_topology.make_server_client(settings)
        saved = cache._client, cache._shared
        cache._client, cache._shared = client, None
        try:
            yield started
        finally:
            shared = cache._shared
            cache._client, cache._shared = saved
            if shared is not None:
                await shared.close()
            await client.aclose()
    finally:
        started.stop()


async def _lands_on(servers: SentinelServers, address: tuple[str, int], *,
                    shared: bool = True) -> bool:
    """A write through the shared connection (unless not `shared`) and one through the
    client's pool all land on the server at `address`."""
    keys = [f"probe:{uuid.uuid4().hex}" for _ in range(2 if shared else 1)]
    await cache.safe(cache.get_redis().set(keys[0], "1", ex=60), None)
    if shared:
        await cache.safe(cache.shared_connection().execute("SET", keys[1], "1", "EX", "60"),
                         None)
    direct = servers.client(address)
    try:
        return await direct.exists(*keys) == len(keys)
    finally:
        await direct.aclose()


async def _until_on_new_primary(servers: SentinelServers, *, shared: bool = True) -> None:
    old = servers.primary
    new = await servers.failover()
    switched = time.monotonic()
    while not await _lands_on(servers, new, shared=shared):
        assert time.monotonic() - switched < FOLLOWS_WITHIN_S, (
            f"writes still land on the old primary {old}, not on {new}")
        await asyncio.sleep(0.1)
    for _ in range(10):  # and every later write does
        assert await _lands_on(servers, new, shared=shared)


async def test_the_lookup_and_its_writes_follow_the_primary_through_a_failover(
        servers: SentinelServers, factory: Factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    card = (await MemberCard.get(member_id=int(member.id), status="ACTIVE")).number
    record = await lookup.get_record_by_card(card)
    assert record is not None and record.id == int(member.id)
    assert await _lands_on(servers, servers.primary)

    answers: list[object] = []
    stop = asyncio.Event()

    async def keep_looking_up() -> None:  # every answer right, through Redis or the database
        while not stop.is_set():
            found = await lookup.get_record_by_card(card)
            answers.append(found.id if found else None)
            answers.extend((await lookup.get_records([int(member.id)])).keys())
            await asyncio.sleep(0.01)

    looking = asyncio.create_task(keep_looking_up())
    try:
        await _until_on_new_primary(servers)
    finally:
        stop.set()
        await looking
    assert len(answers) > 20 and set(answers) == {int(member.id)}

    # The lookup answers from the new primary's cache again: the record is stored there on
    # the next miss, and the lookup after it reads no SQL.
    await lookup.invalidate_member(int(member.id), card)
    assert (await lookup.get_record_by_card(card)).id == int(member.id)  # type: ignore[union-attr]
    direct = servers.client(servers.primary)
    try:
        assert await direct.exists(lookup.record_key(int(member.id))) == 1
    finally:
        await direct.aclose()
    with count_queries() as warm:
        assert (await lookup.get_record_by_card(card)).id == int(member.id)  # type: ignore[union-attr]
    assert warm.count == 0, str(warm)


async def test_a_process_writing_through_the_pool_alone_follows_from_its_start(
        servers: SentinelServers, monkeypatch: pytest.MonkeyPatch):
    """`unionhub worker` never reads through the shared connection, but its jobs write through
    the pool (the member-cache invalidations it replays): its start-up check starts following
    the primary as the app's does."""
    for name, value in (("redis_url", "redis://unused.invalid:6379/0"),
                        ("redis_sentinels", servers.sentinels),
                        ("redis_sentinel_master", NAME), ("redis_cluster", False)):
        monkeypatch.setattr(get_settings(), name, value)
    await cache.check_startup()
    assert await _lands_on(servers, servers.primary, shared=False)
    await _until_on_new_primary(servers, shared=False)
