"""A request's plain keyset reads queued in the same turn of the event loop, sent to PostgreSQL
as one statement: one pool checkout, one round trip and one wake-up instead of one each.

The home screen's root fields are resolved together (compiled_run gathers siblings, each in its
own task, all started in the same turn): its two lists (the member's vouchers with their
campaigns, the first page of their service requests) are independent reads of the member's
own rows, each sent in the first step of its resolver. A root resolver opts its reads in with
`with together(info):` (reads of one request only: the request's context is the key). The
first read queued waits one turn (`sleep(0)`) for its siblings; alone, it is sent as it was;
with siblings, every read is sent as one statement:

    SELECT * FROM (<read 0>) AS "s0" FULL JOIN (<read 1>) AS "s1" ON false
    ORDER BY "s0"."~n", "s1"."~n"

A full join on false keeps every row of each read with NULLs in the other reads' columns, and
each column keeps its own type (no UNION type resolution), so asyncpg decodes every value as it
decodes the read alone. Each read comes numbered by `row_number() OVER (<its ORDER BY>)` ("~n",
first, never NULL; keyset_rows builds that form beside the plain one): the numbers order the
rows, and the one that is set tells whose row it is. The later reads' placeholders follow the
earlier ones'; the statement's text is built once per combination. Nothing is kept between
requests: each read is exactly as fresh as when sent alone (the same snapshot, even).

Only reads of a pool client (not inside a transaction, whose statements stay in order with its
writes), on PostgreSQL, in an operation with more than one root field (else no sibling can come:
no wait). With the `onetrip` part off (`UNIONHUB_FAST_PATH_OFF=onetrip`, `UNIONHUB_FAST_PATH=0`)
every read is sent alone. Compared with the reads sent apart in tests/test_one_trip.py.
"""

from __future__ import annotations

import asyncio
import contextvars
import re
from typing import Any

from tortoise.backends.base.client import TransactionalDBClient

from unionhub.fastpath import switch
from unionhub.fastpath.orm_rows import keep
from unionhub.observability.db_spans import batch_size

Rows = list[dict[str, Any]]

_REQUEST: contextvars.ContextVar[object | None] = contextvars.ContextVar("one_trip_request",
                                                                       default=None)
_PLACEHOLDER = re.compile(r"\$(\d+)")
_SQL: dict[tuple[tuple[str, int], ...], str] = {}
_SQL_KEPT = 256
MOST = 4  # reads per statement; a fifth starts a statement of its own


class together:  # (lower case: it reads as a statement, `with together(info):`)
    """Reads sent inside the block may travel with the request's other reads sent in the same
    turn. `info`: the root resolver's."""

    __slots__ = ("_key", "_token")

    def __init__(self, info: Any) -> None:
        # One root field: nothing to wait for.
        self._key = info.context if len(info.operation.selection_set.selections) > 1 else None

    def __enter__(self) -> None:
        self._token = _REQUEST.set(self._key)

    def __exit__(self, *exc: object) -> None:
        _REQUEST.reset(self._token)


class _Read:
    __slots__ = ("future", "numbered", "params", "sql")

    def __init__(self, sql: str, numbered: str, params: list[Any],
                 future: asyncio.Future[Rows] | None) -> None:
        self.sql = sql
        self.numbered = numbered
        self.params = params
        self.future = future


class _Queue:
    """The reads of one request on one client queued in this turn; the first is the sender's."""

    __slots__ = ("db", "key", "reads")

    def __init__(self, key: object, db: Any, first: _Read) -> None:
        self.key = key
        self.db = db
        self.reads = [first]


_queued: dict[tuple[int, int], _Queue] = {}
_rescues: set[asyncio.Task[None]] = set()


async def rows(db: Any, sql: str, numbered: str, params: list[Any]) -> Rows:
    """`db.execute_query_dict(sql, params)`, sent in one statement with the request's other
    reads queued in the same turn when there are some (`numbered`: `sql` with "~n" first)."""
    key = _REQUEST.get()
    if key is None or not switch.ON.onetrip or isinstance(db, TransactionalDBClient) \
            or db.capabilities.dialect != "postgres":
        return await db.execute_query_dict(sql, params)
    slot = (id(key), id(db))
    queue = _queued.get(slot)
    if queue is not None and queue.key is key and queue.db is db:
        future: asyncio.Future[Rows] = asyncio.get_running_loop().create_future()
        queue.reads.append(_Read(sql, numbered, params, future))
        if len(queue.reads) >= MOST:
            del _queued[slot]
        return await future
    queue = _queued[slot] = _Queue(key, db, _Read(sql, numbered, params, None))
    try:
        await asyncio.sleep(0)  # the sibling fields started in this turn queue theirs
    except BaseException:  # cancelled before sending: the reads that joined are sent apart
        _close(slot, queue)
        _rescue(db, queue.reads[1:])
        raise
    _close(slot, queue)
    joined = queue.reads[1:]
    if not joined:
        return await db.execute_query_dict(sql, params)
    try:
        try:
            found: list[Rows | Exception] = [*await _send(db, queue.reads)]
        except Exception:
            # Each read alone, so that each gets its own rows or error, as when sent apart.
            found = await _apart(db, queue.reads)
    except BaseException:  # cancelled: the reads that joined did not ask for that
        _rescue(db, joined)
        raise
    for read, result in zip(joined, found[1:], strict=True):
        _settle(read, result)
    if isinstance(found[0], Exception):
        raise found[0]
    return found[0]


async def _apart(db: Any, reads: list[_Read]) -> list[Rows | Exception]:
    found: list[Rows | Exception] = []
    for read in reads:
        try:
            found.append(await db.execute_query_dict(read.sql, read.params))
        except Exception as exc:
            found.append(exc)
    return found


def _close(slot: tuple[int, int], queue: _Queue) -> None:
    if _queued.get(slot) is queue:  # (a full queue was closed when it filled)
        del _queued[slot]


def _settle(read: _Read, result: Rows | Exception) -> None:
    future = read.future
    if future is None or future.done():  # (its own task was cancelled meanwhile)
        return
    if isinstance(result, Exception):
        future.set_exception(result)
    else:
        future.set_result(result)


def _rescue(db: Any, reads: list[_Read]) -> None:
    """The sender was cancelled while the reads that joined it wait: a task sends them."""
    waiting = [r for r in reads if r.future is not None and not r.future.done()]
    if not waiting:
        return

    async def send() -> None:
        for read, result in zip(waiting, await _apart(db, waiting), strict=True):
            _settle(read, result)

    task = asyncio.get_running_loop().create_task(send())
    _rescues.add(task)
    task.add_done_callback(_rescues.discard)


def _statement(reads: list[_Read]) -> str:
    shape = tuple((r.numbered, len(r.params)) for r in reads)
    sql = _SQL.get(shape)
    if sql is not None:
        return sql
    parts, before = [], 0
    for i, read in enumerate(reads):
        text = _shifted(read.numbered, before) if before else read.numbered
        parts.append(f'({text}) AS "s{i}"' + (" ON false" if i else ""))
        before += len(read.params)
    order = ", ".join(f'"s{i}"."~n"' for i in range(len(reads)))
    return keep(_SQL, shape,
                f"SELECT * FROM {' FULL JOIN '.join(parts)} ORDER BY {order}",  # noqa: S608
                _SQL_KEPT)


def _shifted(sql: str, by: int) -> str:
    """`sql` with its placeholders $n numbered from `by` + 1 (keyset_rows' statements: no
    literals, so every "$" is a placeholder)."""
    return _PLACEHOLDER.sub(lambda m: f"${int(m.group(1)) + by}", sql)


async def _send(db: Any, reads: list[_Read]) -> list[Rows]:
    """Each read's rows (execute_query_dict's dicts, without "~n"), by one statement."""
    sql = _statement(reads)
    params = [p for r in reads for p in r.params]
    with batch_size(len(reads)):
        _, records = await db.execute_query(sql, params)
    found: list[Rows] = [[] for _ in reads]
    if not records:
        return found
    names = list(records[0].keys())
    starts = [i for i, name in enumerate(names) if name == "~n"]  # each read's first column
    spans = list(zip(starts, [*starts[1:], len(names)], strict=True))
    columns = [names[start + 1:end] for start, end in spans]
    for record in records:
        for i, (start, end) in enumerate(spans):
            if record[start] is not None:
                found[i].append(dict(zip(columns[i], record[start + 1:end], strict=True)))
                break
    return found
