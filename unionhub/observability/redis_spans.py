"""A client span for every Redis command and pipeline of redis-py's asyncio client.

It replaces opentelemetry-instrumentation-redis, which made the same spans at about twice the
cost on the hot lookup (issue 8: ~40 µs for its one EVALSHA): it opened each span as the
current one through two generator context managers (a Redis command never has children), set
its attributes one locked call at a time, and rebuilt the connection's attributes from the
pool's settings on every command. Here a span starts with all its attributes in one dict, the
connection's part computed once per pool, and is never made current.

The spans are the instrumentation's, except a pipeline's name: the name is the command, or for
a pipeline `pipeline` and its commands in short, each with its count (`pipeline SET×3 EXPIRE`,
not `SET SET SET EXPIRE`, which grew with the pipeline and read as many commands), kind
CLIENT, the same attribute names (`db.system`, `db.statement`,
`db.redis.database_index`, `db.redis.args_length` / `db.redis.pipeline_length`,
`net.peer.name`, `net.peer.port`, `net.transport`), exceptions recorded with an ERROR status
by their type only (`span_failure.mark_failed`: a Redis error can quote a command's argument).
The statement is sanitised as the instrumentation's `sanitize_query=True` does it (the command
and a `?` per argument): no keys or values, so no personal data.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from time import perf_counter
from typing import Any

from opentelemetry.trace import SpanKind
from redis.asyncio.client import Pipeline, Redis

from unionhub.observability.metrics import DB_OPERATION_DURATION
from unionhub.observability.span_failure import mark_failed
from unionhub.observability.tracing import start_span

_STATEMENT_MAX = 1000
_connection_attributes: dict[int, tuple[Any, dict[str, Any]]] = {}  # id(pool) -> (pool, attrs)


def _attributes_of(pool: Any) -> dict[str, Any]:
    cached = _connection_attributes.get(id(pool))
    if cached is not None and cached[0] is pool:
        return cached[1]
    kwargs = getattr(pool, "connection_kwargs", {})
    attributes: dict[str, Any] = {"db.system": "redis",
                                  "db.redis.database_index": kwargs.get("db") or 0}
    if "path" in kwargs:
        attributes.update({"net.peer.name": kwargs["path"], "net.transport": "other"})
    else:
        attributes.update({"net.peer.name": kwargs.get("host", "localhost"),
                           "net.peer.port": kwargs.get("port", 6379), "net.transport": "ip_tcp"})
    if len(_connection_attributes) > 64:  # pools come and go in tests: stay small
        _connection_attributes.clear()
    _connection_attributes[id(pool)] = (pool, attributes)
    return attributes


def _statement(args: tuple[Any, ...]) -> str:
    if not args:
        return ""
    statement = " ".join([str(args[0]), *("?" * (len(args) - 1))])
    return statement if len(statement) <= _STATEMENT_MAX else statement[:_STATEMENT_MAX - 3] + "..."


def _command_args(command: Any) -> tuple[Any, ...]:
    return command.args if hasattr(command, "args") else command[0]


def _command_name(command: Any) -> str:
    args = _command_args(command)
    return str(args[0]) if args else ""


def pipeline_name(commands: list[str]) -> str:
    """`pipeline SET×3 EXPIRE`: each command once, in order of first use, with its count."""
    counts: dict[str, int] = {}
    for command in commands:
        counts[command] = counts.get(command, 0) + 1
    return " ".join(["pipeline", *(f"{c}×{n}" if n > 1 else c for c, n in counts.items())])


async def _traced(name: str, attributes: dict[str, Any], call: Awaitable[Any],
                  operation: str | None = None) -> Any:
    # Started when awaited (not when called): a command built but never awaited leaves no span.
    span = start_span(name, kind=SpanKind.CLIENT, attributes=attributes)
    started = perf_counter()
    try:
        return await call
    except BaseException as exc:
        if isinstance(exc, Exception):  # by its type: a script's error may quote arguments
            mark_failed(span, exc)
        raise
    finally:
        DB_OPERATION_DURATION.record(perf_counter() - started,
                                     ("redis", operation or name, None))
        span.end()


def _command_wrapper(original: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(original)
    def execute_command(self: Any, *args: Any, **options: Any) -> Awaitable[Any]:
        attributes = {**_attributes_of(self.connection_pool), "db.statement": _statement(args),
                      "db.redis.args_length": len(args)}
        return _traced(str(args[0]) if args else "redis", attributes,
                       original(self, *args, **options))

    execute_command.unionhub_traced = True  # type: ignore[attr-defined]
    return execute_command


def _pipeline_wrapper(original: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(original)
    def execute(self: Any, *args: Any, **kwargs: Any) -> Awaitable[Any]:
        stack = self.command_stack
        attributes = {**_attributes_of(self.connection_pool),
                      "db.statement": "\n".join(_statement(_command_args(c)) for c in stack),
                      "db.redis.pipeline_length": len(stack)}
        name = pipeline_name([_command_name(c) for c in stack]) if stack else "redis"
        return _traced(name, attributes, original(self, *args, **kwargs), "pipeline")

    execute.unionhub_traced = True  # type: ignore[attr-defined]
    return execute


def traced_shared_command(shared: Any, *args: Any) -> Awaitable[Any]:
    """A command on the shared connection (`unionhub.fastpath.shared_redis`), with the same span as
    one sent through the client."""
    attributes = {**_attributes_of(getattr(shared.client, "connection_pool", None)),
                  "db.statement": _statement(args), "db.redis.args_length": len(args)}
    return _traced(str(args[0]) if args else "redis", attributes, shared.execute(*args))


def instrument() -> None:
    """Idempotent: wraps the asyncio client's command and pipeline methods once."""
    if getattr(Redis.execute_command, "unionhub_traced", False):
        return
    Redis.execute_command = _command_wrapper(Redis.execute_command)  # type: ignore[method-assign]
    Pipeline.immediate_execute_command = _command_wrapper(  # type: ignore[method-assign]
        Pipeline.immediate_execute_command)
    Pipeline.execute = _pipeline_wrapper(Pipeline.execute)  # type: ignore[method-assign]
