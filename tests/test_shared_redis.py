"""The shared Redis connection of the hot read path: each caller gets its own reply, whatever
the others do (errors, cancellation, a dropped connection)."""

from __future__ import annotations

import asyncio

import pytest
from redis.exceptions import DataError, RedisError, ResponseError

from unionhub import cache
from unionhub.identity import lookup


async def test_concurrent_commands_each_get_their_own_reply():
    client = cache.get_redis()
    await client.mset({f"shared:{i}": str(i) for i in range(300)})
    shared = cache.shared_connection()
    replies = await asyncio.gather(*(shared.execute("GET", f"shared:{i}") for i in range(300)))
    assert replies == [str(i) for i in range(300)]
    assert cache.shared_connection() is shared  # one per client and event loop


async def test_an_error_reply_fails_only_its_command():
    await cache.get_redis().set("shared:text", "not a number")
    shared = cache.shared_connection()
    results = await asyncio.gather(shared.execute("SET", "shared:a", "1"),
                                   shared.execute("INCR", "shared:text"),
                                   shared.execute("GET", "shared:a"), return_exceptions=True)
    assert results[0] == "OK" and results[2] == "1"  # raw replies: no response callbacks
    assert isinstance(results[1], ResponseError)
    assert await shared.execute("GET", "shared:text") == "not a number"


async def test_an_argument_redis_py_refuses_fails_its_own_call_only():
    await cache.get_redis().mset({"shared:a": "1", "shared:b": "2"})
    shared = cache.shared_connection()
    pending = asyncio.create_task(shared.execute("GET", "shared:a"))
    with pytest.raises(DataError):
        await shared.execute("GET", None)  # refused while packing: nothing is sent
    # The replies stay in step: each caller still gets its own, and nobody waits for ever.
    assert await asyncio.wait_for(pending, 5) == "1"
    assert await asyncio.wait_for(shared.execute("GET", "shared:b"), 5) == "2"


async def test_a_cancelled_caller_does_not_shift_the_others_replies():
    client = cache.get_redis()
    await client.mset({f"shared:{i}": str(i) for i in range(50)})
    shared = cache.shared_connection()
    tasks = [asyncio.create_task(shared.execute("GET", f"shared:{i}")) for i in range(50)]
    await asyncio.sleep(0)  # every command is queued (written on the loop's next turn)
    tasks[10].cancel()
    tasks[30].cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for i, result in enumerate(results):
        if i in (10, 30):
            assert isinstance(result, asyncio.CancelledError)
        else:
            assert result == str(i)
    assert await shared.execute("GET", "shared:49") == "49"


async def test_a_dropped_connection_fails_what_waits_on_it_and_the_next_command_reconnects():
    await cache.get_redis().set("shared:a", "1")
    shared = cache.shared_connection()
    assert await shared.execute("GET", "shared:a") == "1"
    waiting = asyncio.create_task(shared.execute("GET", "shared:a"))
    await asyncio.sleep(0)  # written, its reply not read yet
    await shared._channel.connection.disconnect()  # the connection drops under it
    with pytest.raises((RedisError, OSError)):
        await waiting
    assert await shared.execute("GET", "shared:a") == "1"


async def test_the_lookup_script_is_loaded_again_after_redis_forgets_it():
    await cache.get_redis().set(lookup.card_key("6210000000000000001"), "7")
    await cache.get_redis().set(lookup._KEY.format(7), "{}")
    await cache.get_redis().script_flush()
    assert await lookup._by_card("6210000000000000001") == ["7", "{}"]
    await cache.get_redis().script_flush()
    assert await lookup._by_card("6210000000000000001") == ["7", "{}"]


async def test_a_command_on_a_new_connection_never_gets_a_reply_meant_for_the_old_one():
    client = cache.get_redis()
    await client.mset({"shared:x": "x", "shared:y": "y"})
    shared = cache.shared_connection()
    assert await shared.execute("GET", "shared:x") == "x"
    old = asyncio.create_task(shared.execute("GET", "shared:x"))
    await asyncio.sleep(0)  # queued on the first connection
    await shared._channel.connection.disconnect()
    new = asyncio.create_task(shared.execute("GET", "shared:y"))  # opens a second connection
    results = await asyncio.gather(old, new, return_exceptions=True)
    assert isinstance(results[0], (RedisError, OSError))
    assert results[1] == "y"
    assert [await shared.execute("GET", k) for k in ("shared:x", "shared:y")] == ["x", "y"]


async def test_commands_of_one_turn_go_out_together_and_are_answered_in_order():
    client = cache.get_redis()
    await client.mset({f"shared:{i}": str(i) for i in range(20)})
    shared = cache.shared_connection()
    await shared.execute("PING")
    channel = shared._channel
    tasks = [asyncio.create_task(shared.execute("GET", f"shared:{i}")) for i in range(20)]
    await asyncio.sleep(0)  # every task ran up to its await: nothing written yet, one flush due
    assert channel.flush_scheduled and len(channel.waiting) == 20
    assert await asyncio.gather(*tasks) == [str(i) for i in range(20)]
    assert not channel.unsent and not channel.waiting


def _real_redis_channel():
    shared = cache.shared_connection()
    channel = getattr(shared, "_channel", None)
    if channel is None or not channel.direct:
        pytest.skip("a real Redis: fakeredis's connection keeps redis-py's read_response")
    return shared, channel


async def test_one_reader_and_one_timer_serve_command_after_command():
    shared = cache.shared_connection()
    await shared.execute("SET", "shared:r", "1")
    shared, channel = _real_redis_channel()
    reader, timer = channel.reader, channel.watchdog
    assert reader is not None and timer is not None
    for _ in range(5):
        assert await shared.execute("GET", "shared:r") == "1"
    assert channel.reader is reader and not reader.done()
    assert channel.watchdog is timer  # not a timer set and cancelled per command


async def test_a_reply_later_than_the_read_timeout_fails_the_connection_and_its_commands():
    shared = cache.shared_connection()
    await shared.execute("SET", "shared:t", "1")
    shared, channel = _real_redis_channel()
    channel.timeout = 0.2
    if channel.watchdog is not None:  # set with the connection's own timeout: set it anew
        channel.watchdog.cancel()
        channel.watchdog = None
    blocked = asyncio.create_task(shared.execute("BLPOP", "shared:never", "2"))
    behind = asyncio.create_task(shared.execute("GET", "shared:t"))
    results = await asyncio.wait_for(asyncio.gather(blocked, behind, return_exceptions=True), 1.5)
    assert all(isinstance(r, RedisError) and "Timeout" in str(r) for r in results), results
    assert channel.closed
    assert await shared.execute("GET", "shared:t") == "1"  # a new connection


async def test_the_read_timeout_counts_from_the_last_reply():
    """As redis-py's read timeout, per reply: two slow replies in a row, each within the
    timeout, both answer, though together they take longer."""
    shared = cache.shared_connection()
    await shared.execute("SET", "shared:t", "1")
    shared, channel = _real_redis_channel()
    channel.timeout = 0.6
    if channel.watchdog is not None:
        channel.watchdog.cancel()
        channel.watchdog = None
    first = asyncio.create_task(shared.execute("BLPOP", "shared:never", "0.4"))
    second = asyncio.create_task(shared.execute("BLPOP", "shared:never", "0.4"))
    assert await asyncio.wait_for(asyncio.gather(first, second), 3) == [None, None]
    assert not channel.closed


@pytest.mark.parametrize("args", [
    ("MGET", *(f"member:v3:{{{i}}}" for i in range(20))),
    ("EVALSHA", "a" * 40, 1, "card:{6217990000000000001}", "会员", b"\x00\xffraw", 0, -7, 10**30),
    ("GET", ""), ("SET", "k", "x" * 10_000),  # an empty value; one past redis-py's chunk size
    ("CONFIG GET", "maxmemory"),  # a name with a space: redis-py splits it
    ("SET", "k", 1.5), ("SET", "k", memoryview(b"view")), ("SET", "k", True), ("GET", None),
    ("SET", "k", "\ud800"),  # a lone surrogate: refused as redis-py refuses it
    (b"GET", "k"),
])
def test_packing_sends_the_bytes_redis_py_would(args):
    from redis.asyncio.connection import Connection

    from unionhub.fastpath.shared_redis import _pack

    connection = Connection()
    try:
        expected: bytes | type[Exception] = b"".join(
            bytes(p) for p in connection.pack_command(*args))
    except Exception as refused:
        expected = type(refused)
    if isinstance(expected, bytes):
        assert b"".join(bytes(p) for p in _pack(connection, args)) == expected
    else:
        with pytest.raises(expected):
            _pack(connection, args)


async def test_callers_queued_behind_a_connect_that_times_out_share_its_failure():
    """A Redis that accepts connections and never answers (a host gone silent): connecting
    (its SELECT) times out. The callers that came meanwhile must fail with that attempt, not
    each try again in turn behind it: ten requests waited ten timeouts, one after the other."""
    import redis.asyncio as redis

    from unionhub.fastpath.shared_redis import SharedConnection

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # never answers; returns when the client hangs up
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = redis.Redis(host="127.0.0.1", port=port, db=1, decode_responses=True,
                         socket_timeout=0.3, socket_connect_timeout=0.3)
    shared = SharedConnection(client)
    try:
        started = asyncio.get_running_loop().time()
        answers = await asyncio.gather(*(cache.safe(shared.execute("GET", f"k{i}"), "fallback")
                                         for i in range(10)))
        took = asyncio.get_running_loop().time() - started
    finally:
        await shared.close()
        await client.aclose()
        server.close()
    assert answers == ["fallback"] * 10
    assert took < 1.5, f"{took:.1f} s: the callers connected one after the other"
