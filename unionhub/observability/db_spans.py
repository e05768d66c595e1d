"""Database spans and query durations, named `<operation> <table>` (e.g. `SELECT identity_members`).

It replaces opentelemetry-instrumentation-tortoiseorm's wrapper (a span named by the
statement's first word: `SELECT`, `WITH`, which told an operator nothing) on the same client
methods of both backends, and keeps its attributes (`db.system`, `db.name`, `db.user`,
`net.peer.*`, `db.statement`), adding the newer conventions' `db.operation.name`,
`db.collection.name` and `db.response.returned_rows`. The statement is the parameterised
one with any literal that was inlined into it replaced by `?`, so no value reaches a span.
Each statement's name and cleaned text are worked out once (`describe`, cached by text). Reads
sent together as one statement (fastpath/one_trip.py) make one span, named by the first table,
with `db.operation.batch.size`.
Every query's duration also goes to `db.client.operation.duration`, traced or not.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
from collections.abc import Awaitable, Callable, Iterator
from time import perf_counter
from typing import Any

from opentelemetry.instrumentation.utils import is_instrumentation_enabled
from opentelemetry.trace import SpanKind

from unionhub.observability.metrics import DB_OPERATION_DURATION
from unionhub.observability.span_failure import mark_failed
from unionhub.observability.tracing import start_span

_STATEMENT_MAX = 2000
_DESCRIBED_MAX = 4096
# String literals, and numbers not part of a name or a $n placeholder.
_LITERALS = re.compile(r"'(?:[^']|'')*'|(?<![\w$])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b")
_TABLE = re.compile(r'\b(?:FROM|INTO|UPDATE|JOIN|TABLE)\s+(?:ONLY\s+)?"?([A-Za-z_][\w]*)"?',
                    re.IGNORECASE)
_described: dict[str, tuple[str, str, str | None, str]] = {}
# Reads sent together as one statement (fastpath/one_trip.py): their number, for the span.
_BATCH: contextvars.ContextVar[int] = contextvars.ContextVar("db_batch_size", default=0)


@contextlib.contextmanager
def batch_size(reads: int) -> Iterator[None]:
    """The statements sent inside carry `reads` queries (`db.operation.batch.size`)."""
    token = _BATCH.set(reads)
    try:
        yield
    finally:
        _BATCH.reset(token)


def describe(sql: str, most: int = _STATEMENT_MAX) -> tuple[str, str, str | None, str]:
    """(span name, operation, table or None, statement without values, cut at `most`
    characters) of a statement."""
    found = _described.get(sql)
    if found is not None:
        return found
    words = sql.lstrip().split(None, 1)
    operation = words[0].upper() if words else "SQL"
    start = 0
    if operation == "WITH":  # named by the statement the CTEs feed, and its table
        main = re.search(r"\)\s*(SELECT|INSERT|UPDATE|DELETE)\b", sql, re.IGNORECASE)
        if main:
            operation, start = main.group(1).upper(), main.start(1)
    table_match = _TABLE.search(sql, start)
    table = table_match.group(1) if table_match else None
    statement = _LITERALS.sub("?", sql)
    if len(statement) > most:
        statement = statement[:most - 3] + "..."
    found = (f"{operation} {table}" if table else operation, operation, table, statement)
    if len(_described) >= _DESCRIBED_MAX:
        _described.clear()
    _described[sql] = found
    return found


def connection_attributes(client: Any) -> dict[str, Any]:
    """The connection's part of a span's attributes, as the Tortoise instrumentation had them."""
    cached = getattr(client, "_unionhub_span_attributes", None)
    if cached is not None:
        return cached
    dialect = client.capabilities.dialect
    attributes: dict[str, Any] = {"db.system": "postgresql" if dialect == "postgres" else dialect}
    for attribute, name in (("db.name", "filename"), ("db.name", "database"), ("db.user", "user"),
                            ("net.peer.name", "host"), ("net.peer.port", "port")):
        value = getattr(client, name, None)
        if value:
            attributes[attribute] = value
    try:
        client._unionhub_span_attributes = attributes
    except AttributeError:
        pass
    return attributes


def _rows(result: Any) -> int | None:
    if isinstance(result, list):  # execute_query_dict
        return len(result)
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], list):
        return len(result[1])  # execute_query: (rowcount, rows)
    return None


async def traced_query(connection: dict[str, Any], sql: str, call: Awaitable[Any]) -> Any:
    """Awaits `call` (the statement `sql` on a connection with those attributes) inside its
    span, and records its duration. Under `suppress_instrumentation()` (the revocation
    list's background catch-up) it makes no span, as the standard instrumentations do."""
    if not is_instrumentation_enabled():
        return await call
    batch = _BATCH.get()
    # (a batch's statement is named by its first table; each read's text is kept whole)
    name, operation, table, statement = describe(sql, _STATEMENT_MAX * (batch or 1))
    system = connection["db.system"]
    attributes = {**connection, "db.statement": statement, "db.operation.name": operation}
    if table is not None:
        attributes["db.collection.name"] = table
    if batch:
        attributes["db.operation.batch.size"] = batch
    span = start_span(name, kind=SpanKind.CLIENT, attributes=attributes)
    started = perf_counter()
    try:
        result = await call
    except BaseException as exc:
        if isinstance(exc, Exception):
            try:  # a socket error here is the database's (unionhub/outages.py)
                exc.unionhub_dependency = "database"  # type: ignore[attr-defined]
            except AttributeError:
                pass
            mark_failed(span, exc, record=False)  # by its type: asyncpg quotes values
        raise
    else:
        if span.is_recording():
            rows = _rows(result)
            if rows is not None:
                span.set_attribute("db.response.returned_rows", rows)
        return result
    finally:
        DB_OPERATION_DURATION.record(perf_counter() - started, (system, operation, table))
        span.end()


def _wrap(original: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(original)
    def execute(self: Any, query: str, *args: Any, **kwargs: Any) -> Awaitable[Any]:
        return traced_query(connection_attributes(self), query, original(self, query, *args,
                                                                         **kwargs))

    execute.unionhub_traced = True  # type: ignore[attr-defined]
    return execute


_METHODS = ("execute_query", "execute_query_dict", "execute_insert", "execute_many",
            "execute_script")


def instrument() -> None:
    """Idempotent: wraps both backends' client methods once."""
    from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
    from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionWrapper

    # The transaction wrappers define their own execute_many (not calling the client's).
    for cls in (SqliteClient, AsyncpgDBClient, SqliteTransactionWrapper, TransactionWrapper):
        for method in _METHODS:
            original = getattr(cls, method, None)
            if original is None or getattr(original, "unionhub_traced", False):
                continue
            setattr(cls, method, _wrap(original))
