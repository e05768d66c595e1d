"""asyncpg connections that are never handed back to the pool broken.

`db.tortoise_config` skips asyncpg's reset on release (a round trip after every query, for
session state we never keep). That reset was also what caught a connection left mid-protocol:
when PostgreSQL goes away, a statement can fail with the server's FATAL error (57P01, admin
shutdown) while the protocol still waits for the end of that exchange; the connection went
back to the pool as it was, and the next task to take it failed with asyncpg's "cannot switch
to state 12; another operation (2) is in progress" (cancelOrder during an outage, issue 19).
So each connection notes a statement that failed in a way that may leave it unusable (a
connection, shutdown or resource error, a cancellation, anything not a plain SQL error), and
the release terminates such a connection (the pool opens a fresh one when next needed), as it
does one left inside a transaction. Plain SQL errors (a unique violation, a check) keep it:
the server has answered them in full. A connection the shutdown reached while idle fails its
next statement with the same asyncpg error before any socket error: when its socket closes
right after, that is reported as the outage it is (ConnectionDoesNotExistError).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import asyncpg

# SQLSTATE classes after which the connection is not trusted: connection exceptions,
# insufficient resources, operator intervention (shutdown), system and internal errors.
_FATAL_CLASSES = frozenset(("08", "53", "57", "58", "XX"))
_CLOSE_CHECKS, _CLOSE_CHECK_SECONDS = 20, 0.005  # up to 0.1 s for the socket to close


def _breaks_connection(exc: BaseException) -> bool:
    if isinstance(exc, asyncpg.PostgresError):
        return (getattr(exc, "sqlstate", None) or "XX")[:2] in _FATAL_CLASSES
    return True  # interface errors, cancellation, timeouts, sockets


class GuardedConnection(asyncpg.Connection):
    """asyncpg's connection, remembering a statement that failed in a way that may leave it
    mid-protocol (every statement Tortoise sends goes through these four)."""

    unionhub_broken = False

    async def _guarded(self, call: Awaitable[Any]) -> Any:
        try:
            return await call
        except asyncpg.InternalClientError as exc:
            self.unionhub_broken = True
            raise await self._explained(exc) from exc
        except BaseException as exc:
            self.unionhub_broken = self.unionhub_broken or _breaks_connection(exc)
            raise

    async def _explained(self, exc: asyncpg.InternalClientError) -> BaseException:
        """asyncpg's "another operation is in progress" on a connection no other statement of
        ours holds: when the server's shutdown reached it while it sat idle (in the pool, or
        in a transaction between statements), the socket closes a moment later. Then it is
        the outage, not two tasks on one connection (that would leave the socket open)."""
        if "another operation" not in str(exc):
            return exc
        for _ in range(_CLOSE_CHECKS):
            if self.is_closed():
                return asyncpg.ConnectionDoesNotExistError(
                    "the connection was closed by the server (shutdown or failure)")
            await asyncio.sleep(_CLOSE_CHECK_SECONDS)
        return exc

    def execute(self, *args: Any, **kwargs: Any) -> Awaitable[Any]:
        return self._guarded(super().execute(*args, **kwargs))

    def executemany(self, *args: Any, **kwargs: Any) -> Awaitable[Any]:
        return self._guarded(super().executemany(*args, **kwargs))

    def fetch(self, *args: Any, **kwargs: Any) -> Awaitable[Any]:
        return self._guarded(super().fetch(*args, **kwargs))

    def fetchrow(self, *args: Any, **kwargs: Any) -> Awaitable[Any]:
        return self._guarded(super().fetchrow(*args, **kwargs))


async def release_checked(connection: Any) -> None:
    """The pool's `reset`: nothing for a healthy connection (no round trip); a connection a
    statement broke, or one left inside a transaction, is terminated instead of reused."""
    if connection.is_closed():
        return
    if getattr(connection, "unionhub_broken", False) or connection.is_in_transaction():
        connection.terminate()
