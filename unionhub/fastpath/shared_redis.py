"""One Redis connection that concurrent requests share, for the hot read path.

redis-py's pool gives every command a connection of its own: an asyncio lock, a poll of the
socket to check that it is clean, a task per write (its send timeout) and a release. On the hot
member lookup that cost more CPU than the rest of its Redis work (issue 8). Redis answers the
commands of one connection in the order it received them, so one connection can carry many
requests' commands at once: each caller writes its command and waits on a future, and one
reader resolves the futures in order. Connecting (AUTH, SELECT), packing, parsing (hiredis)
and error replies are redis-py's own `Connection`, made by the client's pool with its settings;
the embedded fakeredis connection works the same way.

Failure: an error reply fails only its command. A connection error or a read timeout (the
pool's `socket_timeout`) fails every command waiting on the connection and drops it; the next
command connects again. Behind Sentinel the connection is redis-py's sentinel-managed one:
connecting asks Sentinel for the primary, a READONLY reply drops it (as a connection error),
and `redis_topology.SentinelShared` drops it when Sentinel names another primary. A caller
that is cancelled leaves its reply to be read and discarded, so the replies of the others
stay in step.

Reading: on a redis-py connection the reader is one task for the connection's life, reading
replies with the connection's own parser (hiredis), and the read timeout is one timer for the
oldest unanswered command, moved on as replies come (redis-py's `read_response` sets and
cancels a timer per reply, and a reader task that ends when nothing waits was made again for
nearly every request: together ~2% of the hot lookup's server CPU). A connection that reads
its replies another way (fakeredis's) keeps redis-py's `read_response`, in a reader that ends
when nothing waits.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

_closing: set[asyncio.Task[None]] = set()  # disconnects under way (tasks need a reference)

# Past this many unsent bytes (Redis not reading), a writer waits for the socket to drain.
_WRITE_BUFFER_LIMIT = 1 << 20


def _answer(future: asyncio.Future[Any], reply: Any) -> None:
    """The oldest waiting command's reply: an error reply is its command's exception; a
    caller cancelled meanwhile has its reply discarded."""
    if future.done():
        return
    if isinstance(reply, ResponseError):
        future.set_exception(reply)
    else:
        future.set_result(reply)


class _Channel:
    """One connection and what is under way on it. Replies are matched to the callers of this
    channel only: a reply can never reach the caller of a command sent on another connection."""

    __slots__ = ("buffered", "closed", "connection", "direct", "flush_scheduled", "read_since",
                 "reader", "timeout", "unsent", "waiting", "watchdog")

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        # The socket's unsent bytes, where the transport tells (asyncio's does; fakeredis's
        # in-process transport has no buffer to tell of since 2.41).
        transport = getattr(getattr(connection, "_writer", None), "transport", None)
        self.buffered = getattr(transport, "get_write_buffer_size", None)
        self.waiting: deque[asyncio.Future[Any]] = deque()
        # Commands written in one event-loop turn go out in one write (one system call): the
        # requests of one epoll batch reach their lookup in the same turn.
        self.unsent: list[bytes] = []
        self.flush_scheduled = False
        self.reader: asyncio.Task[None] | None = None
        self.closed = False
        # Replies read by the connection's parser, a reader for the channel's life (module doc)
        self.direct = _reads_with_parser(connection)
        self.timeout: float | None = connection.socket_timeout
        self.read_since = 0.0  # loop time since the oldest unanswered command has waited
        self.watchdog: asyncio.TimerHandle | None = None

    @property
    def usable(self) -> bool:
        return not self.closed and self.connection.is_connected


def _reads_with_parser(connection: Any) -> bool:
    """A redis-py connection (RESP2) whose replies its parser reads as `read_response` would:
    not one that answers through its own `read_response` (fakeredis)."""
    return (type(connection).read_response is AbstractConnection.read_response
            and getattr(connection, "_parser", None) is not None
            and str(getattr(connection, "protocol", 2)) == "2")


def _pack(connection: Any, args: tuple[Any, ...]) -> list[bytes]:
    """`connection.pack_command(*args)` as one piece, for the hot path's arguments: a command
    name of letters, then str, bytes and int (not bool) values. Anything else (a name with
    spaces, floats, memoryviews, refused values) is redis-py's own. redis-py encodes each
    argument through its encoder with `isinstance` checks and joins the buffer once per
    argument: 10.6 µs for a page's MGET of 20 keys, 3.7 µs here
    (tests/test_shared_redis.py compares the bytes with redis-py's)."""
    name = args[0]
    if type(name) is not str or not name.isalpha():
        return connection.pack_command(*args)  # type: ignore[no-any-return]
    encoding = connection.encoder.encoding
    errors = connection.encoder.encoding_errors
    out = [b"*%d\r\n$%d\r\n%s\r\n" % (len(args), len(name), name.encode())]
    for arg in args[1:]:
        kind = type(arg)
        if kind is str:
            data = arg.encode(encoding, errors)
        elif kind is bytes:
            data = arg
        elif kind is int:
            data = b"%d" % arg
        else:
            return connection.pack_command(*args)  # type: ignore[no-any-return]
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return [b"".join(out)]


class SharedConnection:
    def __init__(self, client: Redis) -> None:
        self.client = client
        self.loop = asyncio.get_running_loop()
        self._channel: _Channel | None = None
        self._connecting: asyncio.Task[_Channel] | None = None

    async def execute(self, *args: Any) -> Any:
        """Send one command and return its raw reply: decoded as the client decodes, but
        without redis-py's per-command response callbacks (SET answers "OK", not True)."""
        channel = self._channel
        if channel is None or not channel.usable:
            channel = await self._open()
        # Packed before its future joins the queue: arguments redis-py refuses (None, a lone
        # surrogate) must fail this call alone, not leave a future that takes another's reply.
        packed = _pack(channel.connection, args)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        if not channel.waiting:
            channel.read_since = loop.time()
        channel.waiting.append(future)
        channel.unsent.extend(packed)
        if not channel.flush_scheduled:
            channel.flush_scheduled = True
            loop.call_soon(self._flush, channel)
        if channel.reader is None:
            channel.reader = loop.create_task(
                self._read_replies(channel) if channel.direct else self._read(channel))
        if channel.direct and channel.watchdog is None and channel.timeout is not None:
            channel.watchdog = loop.call_at(channel.read_since + channel.timeout, self._watch,
                                            channel)
        buffered = channel.buffered
        if buffered is not None and buffered() > _WRITE_BUFFER_LIMIT:
            try:
                await asyncio.wait_for(channel.connection._writer.drain(),
                                       channel.connection.socket_timeout)
            except BaseException:
                future.cancel()  # its reply, when it comes, is read and discarded in step
                raise
        return await future

    def _flush(self, channel: _Channel) -> None:
        channel.flush_scheduled = False
        unsent, channel.unsent = channel.unsent, []
        writer = getattr(channel.connection, "_writer", None)
        if unsent and writer is not None and not channel.closed:
            writer.writelines(unsent)  # a dropped connection's reader fails its callers

    async def _open(self) -> _Channel:
        """A new channel: one connect at a time, whose outcome every caller that came while it
        was under way shares. (Each used to try again in turn behind a failed one: with a
        Redis that accepts and never answers, the tenth caller waited ten timeouts.) A caller
        cancelled meanwhile leaves the attempt to the others."""
        attempt = self._connecting
        if attempt is None:
            attempt = self._connecting = self.loop.create_task(self._connect())
            attempt.add_done_callback(self._connect_ended)
        return await asyncio.shield(attempt)

    def _connect_ended(self, attempt: asyncio.Task[_Channel]) -> None:
        if self._connecting is attempt:
            self._connecting = None
        if not attempt.cancelled():
            attempt.exception()  # (retrieved: a failure all its callers left is not logged)

    async def _connect(self) -> _Channel:
        channel = self._channel
        if channel is not None and channel.usable:
            return channel
        if channel is not None:  # dropped: what waits on it can never be answered
            self._fail(channel, ConnectionError("redis connection lost"))
        connection = self.client.connection_pool.make_connection()
        try:
            await connection.connect()
        except BaseException:  # cancelled or refused half way: leave no socket open
            await asyncio.shield(connection.disconnect(nowait=True))
            raise
        channel = self._channel = _Channel(connection)
        return channel

    async def _read(self, channel: _Channel) -> None:
        """Resolves the channel's futures in order while any wait; exits when none do."""
        waiting = channel.waiting
        try:
            while waiting and not channel.closed:
                try:
                    reply: Any = await channel.connection.read_response()
                except ResponseError as error:  # an error reply: its command's alone
                    reply = error
                if not waiting:  # failed meanwhile (the channel was closed)
                    break
                _answer(waiting.popleft(), reply)
        except BaseException as exc:
            self._fail(channel, exc)
            if not isinstance(exc, Exception):
                raise
        finally:
            channel.reader = None
            if waiting and not channel.closed:  # a command written after the last read
                channel.reader = asyncio.get_running_loop().create_task(self._read(channel))

    async def _read_replies(self, channel: _Channel) -> None:
        """The reader of a channel whose parser reads its replies (`_Channel.direct`): one
        task for the channel's life; the read timeout is `_watch`'s."""
        parser = channel.connection._parser
        waiting = channel.waiting
        loop = self.loop
        try:
            while not channel.closed:
                try:
                    reply: Any = await parser.read_response(disable_decoding=False)
                except OSError as error:  # as redis-py's read_response answers it
                    raise RedisConnectionError(
                        f"Error while reading from redis: {error.args}") from error
                channel.read_since = loop.time()
                if not waiting:  # a reply no command waits for: out of step
                    raise RedisConnectionError("redis sent a reply no command waited for")
                _answer(waiting.popleft(), reply)
        except BaseException as exc:
            self._fail(channel, exc)
            if not isinstance(exc, Exception):
                raise

    def _watch(self, channel: _Channel) -> None:
        """The read timeout: the oldest unanswered command (or the last reply, if later) older
        than `socket_timeout` fails the channel; otherwise look again when it would be."""
        channel.watchdog = None
        if channel.closed or not channel.waiting or channel.timeout is None:
            return
        due = channel.read_since + channel.timeout
        if due <= self.loop.time() + 0.001:  # (a timer may fire within the clock's resolution)
            self._fail(channel, RedisTimeoutError("Timeout reading from redis"))
            if channel.reader is not None:
                channel.reader.cancel()
        else:
            channel.watchdog = self.loop.call_at(due, self._watch, channel)

    def _fail(self, channel: _Channel, exc: BaseException) -> None:
        """Closes the channel: its callers fail, its connection is dropped."""
        if channel.closed:
            return
        channel.closed = True
        if channel.watchdog is not None:
            channel.watchdog.cancel()
            channel.watchdog = None
        if self._channel is channel:
            self._channel = None
        error = exc if isinstance(exc, Exception) else ConnectionError("redis read cancelled")
        while channel.waiting:
            future = channel.waiting.popleft()
            if not future.done():
                future.set_exception(error)
        channel.unsent.clear()
        task = self.loop.create_task(channel.connection.disconnect(nowait=True))
        _closing.add(task)
        task.add_done_callback(_closing.discard)

    def peer(self) -> tuple[str, int] | None:
        """Where the open channel's connection goes, (host, port); None with none open."""
        channel = self._channel
        if channel is None or not channel.usable:
            return None
        return channel.connection.host, channel.connection.port

    def drop(self, exc: Exception) -> None:
        """Fail what waits on the open channel with `exc` and close it: the next command
        connects again (behind Sentinel: asks it where the primary is)."""
        if self._channel is not None:
            self._fail(self._channel, exc)

    def close_soon(self) -> None:
        task = self.loop.create_task(self.close())
        _closing.add(task)
        task.add_done_callback(_closing.discard)

    async def close(self) -> None:
        if self._connecting is not None:  # (it would open a channel no one closes)
            self._connecting.cancel()
        channel, self._channel = self._channel, None
        if channel is None:
            return
        reader = channel.reader
        self._fail(channel, ConnectionError("redis connection closed"))
        if reader is not None:
            reader.cancel()
