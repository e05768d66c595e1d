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
command connects again. A caller that is cancelled leaves its reply to be read and discarded,
so the replies of the others stay in step.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ResponseError

_closing: set[asyncio.Task[None]] = set()  # disconnects under way (tasks need a reference)

# Past this many unsent bytes (Redis not reading), a writer waits for the socket to drain.
_WRITE_BUFFER_LIMIT = 1 << 20


class SharedConnection:
    def __init__(self, client: Redis) -> None:
        self.client = client
        self.loop = asyncio.get_running_loop()
        self._connection: Any = None
        self._waiting: deque[asyncio.Future[Any]] = deque()
        self._reader: asyncio.Task[None] | None = None
        self._connect_lock = asyncio.Lock()

    async def execute(self, *args: Any) -> Any:
        """Send one command and return its raw reply: decoded as the client decodes, but
        without redis-py's per-command response callbacks (SET answers "OK", not True)."""
        connection = self._connection
        if connection is None or not connection.is_connected:
            connection = await self._connect()
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting.append(future)
        writer = connection._writer
        writer.writelines(connection.pack_command(*args))
        if self._reader is None:
            self._reader = asyncio.get_running_loop().create_task(self._read(connection))
        transport = getattr(writer, "transport", None)
        if transport is not None and transport.get_write_buffer_size() > _WRITE_BUFFER_LIMIT:
            await asyncio.wait_for(writer.drain(), connection.socket_timeout)
        return await future

    async def _connect(self) -> Any:
        async with self._connect_lock:
            connection = self._connection
            if connection is None or not connection.is_connected:
                connection = self.client.connection_pool.make_connection()
                await connection.connect()
                self._connection = connection
            return connection

    async def _read(self, connection: Any) -> None:
        """Resolves the waiting futures in order while any wait; exits when none do."""
        waiting = self._waiting
        try:
            while waiting:
                try:
                    reply: Any = await connection.read_response()
                except ResponseError as error:  # an error reply: its command's alone
                    reply = error
                future = waiting.popleft()
                if future.done():  # its caller was cancelled: the reply is discarded
                    continue
                if isinstance(reply, ResponseError):
                    future.set_exception(reply)
                else:
                    future.set_result(reply)
        except BaseException as exc:
            self._fail_all(connection, exc)
            if not isinstance(exc, Exception):
                raise
        finally:
            self._reader = None
            if waiting and self._connection is connection:  # written after the last read
                self._reader = asyncio.get_running_loop().create_task(self._read(connection))

    def _fail_all(self, connection: Any, exc: BaseException) -> None:
        if self._connection is connection:
            self._connection = None
        waiting, self._waiting = self._waiting, deque()
        error = exc if isinstance(exc, Exception) else ConnectionError("redis read cancelled")
        for future in waiting:
            if not future.done():
                future.set_exception(error)
        task = asyncio.get_running_loop().create_task(connection.disconnect(nowait=True))
        _closing.add(task)
        task.add_done_callback(_closing.discard)

    def close_soon(self) -> None:
        task = self.loop.create_task(self.close())
        _closing.add(task)
        task.add_done_callback(_closing.discard)

    async def close(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.disconnect(nowait=True)
