"""Outages told apart from bugs: a dependency that cannot be reached answers
`SERVICE_UNAVAILABLE` with `retryable: true`, logged once per outage.

An unexpected exception whose cause chain holds a connection failure (PostgreSQL refused,
reset, shutting down, a pool that cannot connect; a provider raising `DependencyUnavailable`;
a socket or HTTP transport error) is an outage of that dependency, not a bug: the client gets
a fixed message with `extensions.code = SERVICE_UNAVAILABLE` and `retryable: true` (never the
exception's text), and over HTTP a 503 when it accepts `application/graphql-response+json`.
The log gets one warning when an outage starts, not one traceback per request (a 4-second
PostgreSQL restart answered 1,048 requests), and the metric `unionhub.outage.errors` counts
them by dependency.
"""

from __future__ import annotations

import errno
import logging
import socket
import time
from typing import Any

from graphql import GraphQLError

from unionhub.errors import DependencyUnavailable
from unionhub.observability.metrics import OUTAGE_ERRORS

log = logging.getLogger("unionhub.outages")

CODE = "SERVICE_UNAVAILABLE"
MESSAGE = "Service temporarily unavailable; try again shortly"
# An outage is over once this long has passed without another of its errors.
QUIET_SECONDS = 30.0
GRAPHQL_RESPONSE_JSON = b"application/graphql-response+json"

_last_seen: dict[str, float] = {}
# Set on an exception by the code that saw it fail (db_spans: "database").
DEPENDENCY_MARK = "unionhub_dependency"
_NETWORK_ERRNOS = frozenset((errno.ECONNREFUSED, errno.ECONNRESET, errno.EHOSTUNREACH,
                             errno.ENETUNREACH, errno.ETIMEDOUT, errno.EPIPE))


def _database_errors() -> tuple[type[BaseException], ...]:
    import asyncpg
    from tortoise.exceptions import DBConnectionError

    return (asyncpg.PostgresConnectionError, asyncpg.CannotConnectNowError,
            asyncpg.AdminShutdownError, asyncpg.CrashShutdownError,
            asyncpg.TooManyConnectionsError, asyncpg.ConnectionDoesNotExistError,
            DBConnectionError)


def dependency_of(exc: BaseException | None) -> str | None:
    """'database', 'redis', 'provider' or 'network' when `exc` (or what it was raised from)
    is a dependency that could not be reached; None for anything else (a bug)."""
    import asyncpg
    import httpx
    import redis.exceptions

    database = _database_errors()
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, database) or (isinstance(exc, asyncpg.InterfaceError) and (
                "connection is closed" in str(exc) or "connection was closed" in str(exc))):
            return "database"
        if isinstance(exc, DependencyUnavailable):
            return exc.dependency
        if isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError
                      | redis.exceptions.ClusterDownError | redis.exceptions.SlotNotCoveredError
                      ) or str(exc).startswith("Redis Cluster cannot be connected"):
            return "redis"
        if isinstance(exc, httpx.TransportError):
            return "provider"
        if isinstance(exc, ConnectionError | TimeoutError | socket.gaierror) or (
                isinstance(exc, OSError) and (exc.errno in _NETWORK_ERRNOS or str(exc).startswith(
                    "Multiple exceptions"))):  # (asyncio: every address of a host refused)
            # A socket error says nothing of whose socket: the database client marks its own.
            return getattr(exc, DEPENDENCY_MARK, "network")
        exc = exc.__cause__ or exc.__context__
    return None


def report(dependency: str, exc: BaseException) -> None:
    """Counts the error; logs a warning (type only) when it starts a new outage."""
    OUTAGE_ERRORS.add(1, {"dependency": dependency})
    now = time.monotonic()
    last = _last_seen.get(dependency)
    _last_seen[dependency] = now
    if last is None or now - last > QUIET_SECONDS:
        log.warning("%s unavailable (%s): answering %s until it returns; next warning after "
                    "%.0f s without errors", dependency, type(exc).__name__, CODE, QUIET_SECONDS)


def outage_error(error: GraphQLError) -> GraphQLError | None:
    """The client's version of an error that is an outage, or None when it is not one."""
    if error.original_error is None or dependency_of(error.original_error) is None:
        return None
    return GraphQLError(MESSAGE, nodes=error.nodes, source=error.source,
                        positions=error.positions, path=error.path, original_error=None,
                        extensions={"code": CODE, "retryable": True})


def is_outage(errors: list[Any] | None) -> bool:
    return errors is not None and any(
        isinstance(e, GraphQLError) and (e.extensions or {}).get("code") == CODE for e in errors)


def http_answer(accept: bytes | None, result: Any, processed: dict[str, Any],
                ) -> tuple[int, dict[str, Any], bytes | None]:
    """(status, body, content type or None for the usual) of a GraphQL answer: a 503 without
    `data` when the client accepts application/graphql-response+json and the operation met an
    outage (that media type's status codes say what happened; application/json keeps 200)."""
    if accept and GRAPHQL_RESPONSE_JSON in accept.lower() and is_outage(
            getattr(result, "errors", None)):
        return 503, {k: v for k, v in processed.items() if k != "data"}, GRAPHQL_RESPONSE_JSON
    return 200, processed, None
