"""Linking audit rows into the hash chain after the transaction that wrote them commits.

`audit.record` inside a transaction inserts its rows unlinked (seq and hash NULL:
`audit_chain.append_in_transaction`), so a money or account write locks nothing but its own
rows and the chain head is never held across a caller's transaction. `link_pending` links
them: in a short transaction of its own it locks the head (`audit_chain.lock_head`), reads the
committed unlinked rows in id order, chains them after the head (`audit_chain.link`), sets
their seq and hash in one UPDATE and moves the head. Linkers in several processes and hosts
serialize on the head's lock, and each reads the unlinked rows only once it holds it (a fresh
snapshot per statement under READ COMMITTED), so none links a row twice nor skips one; the
unique seq and the append-only trigger (seq and hash may be set once, from NULL: migration
0014) stand behind that. A rolled-back transaction's rows are gone with it, never linked.

Who calls it:
- the end of the request (or periodic job run) whose transactions wrote unlinked rows, after
  its response (`after_commit`, unionhub/after_response.py); outside one, this process's
  linker task, which watches those transactions and links once they have ended (`_Linker`).
  Either way through one run at a time per process (`_Flight`);
- the periodic sweep (`identity.link_audit`, every SWEEP_SECONDS; `sweep`), for rows a crash
  or a long transaction left, and the measure of how long the oldest unlinked row has waited:
  past UNIONHUB_AUDIT_UNLINKED_ALARM_SECONDS that is an alarm (the linker is failing): logged,
  counted (`unionhub.audit.unlinked.late`, alert UnionHubAuditUnlinked), and named by
  `unionhub audit verify` (exit 2);
- `settle` (tests, the CLI): link now what has committed, and stop the task.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from opentelemetry import context as otel_context
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from unionhub import after_response
from unionhub.clock import utcnow
from unionhub.identity import audit_chain, transaction_end
from unionhub.observability import metrics
from unionhub.observability.tracing import active_span
from unionhub.settings import get_settings

log = logging.getLogger(__name__)

BATCH = 500  # rows linked per transaction
SWEEP_SECONDS = 60
# The linker task looks at the transactions it waits for after 1 ms, then ever less often
# while none has ended, up to every 50 ms; one open longer than GIVE_UP_SECONDS is the sweep's.
WATCH_SECONDS = (0.001, 0.05)
GIVE_UP_SECONDS = 600.0

_SELECT = ("SELECT id, at, actor_id, action, subject_type, subject_id, trace_id, detail, "
           "union_id FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT {limit}")


def _entry(row: dict[str, Any]) -> audit_chain.Entry:
    """A stored row as the chain hashes it: as the verifier will read it back."""
    at = row["at"] if isinstance(row["at"], datetime) else datetime.fromisoformat(row["at"])
    at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    detail = row["detail"]
    # (orjson, as the model's JSONField decodes it for the verifier)
    detail = orjson.loads(detail) if isinstance(detail, str | bytes) else (detail or {})
    return (at, row["actor_id"], row["action"], row["subject_type"], row["subject_id"],
            row["trace_id"], detail, row["union_id"])


def _update_sql(conn: Any, rows: int) -> str:
    if conn.capabilities.dialect == "postgres":
        values = ", ".join(f"(${i * 3 + 1}::bigint, ${i * 3 + 2}::bigint, ${i * 3 + 3}::text)"
                           for i in range(rows))
        return ("UPDATE audit_log AS a SET seq = v.seq, hash = v.hash FROM (VALUES "  # noqa: S608
                f"{values}) AS v(id, seq, hash) WHERE a.id = v.id AND a.seq IS NULL")
    values = ", ".join("(?, ?, ?)" for _ in range(rows))
    return ("UPDATE audit_log SET seq = v.column2, hash = v.column3 FROM (VALUES "  # noqa: S608
            f"{values}) AS v WHERE audit_log.id = v.column1 AND audit_log.seq IS NULL")


async def _link_batch(batch: int) -> list[int]:
    async with in_transaction(audit_chain.connection_name()) as conn:
        seq, head = await audit_chain.lock_head(conn)
        found = await conn.execute_query_dict(_SELECT.format(limit=int(batch)))
        if not found:
            return []
        rows = audit_chain.link(seq, head, [_entry(row) for row in found])
        values: list[Any] = []
        for row, linked in zip(found, rows, strict=True):
            values.extend((row["id"], linked[8], linked[9]))
        count, _ = await conn.execute_query(_update_sql(conn, len(rows)), values)
        if count != len(rows):  # (cannot happen under the lock: roll back rather than fork)
            raise audit_chain.ChainHeadMoved("audit rows linked by someone else meanwhile")
        p = ("$1", "$2") if conn.capabilities.dialect == "postgres" else ("?", "?")
        await conn.execute_query(f"UPDATE audit_chain_head SET seq = {p[0]}, hash = {p[1]} "  # noqa: S608
                                 "WHERE id = 1", [rows[-1][8], rows[-1][9]])
    audit_chain.remember(rows)
    return [int(row["id"]) for row in found]


async def link_pending(by: str = "call", batch: int = BATCH) -> list[int]:
    """Link every committed unlinked row, oldest id first; returns their ids. Not inside a
    transaction (the rows it should link are not committed yet)."""
    db = connections.get(audit_chain.connection_name())
    # A look without the lock first (the partial index: nearly always nothing there).
    if not await db.execute_query_dict("SELECT id FROM audit_log WHERE seq IS NULL LIMIT 1"):
        return []
    linked: list[int] = []
    while True:
        ids = await _link_batch(batch)
        linked.extend(ids)
        if len(ids) < batch:
            break
    if linked:
        metrics.AUDIT_LINKED.add(len(linked), {"by": by})
    return linked


# --- the linker task: after a caller's commit ---------------------------------------------------

class _Flight:
    """Single flight per event loop: a link run that starts after the caller asked, shared by
    every caller that asked meanwhile, so a busy process has at most one linker waiting on
    the head (and the next run links what all the others committed)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.current: asyncio.Task[list[int]] | None = None
        self.following: asyncio.Task[list[int]] | None = None

    async def _after(self, previous: asyncio.Task[list[int]], by: str) -> list[int]:
        await asyncio.gather(previous, return_exceptions=True)
        self.current, self.following = self.following, None
        return await _traced_link(by)

    def run(self, by: str) -> asyncio.Task[list[int]]:
        if self.current is None or self.current.done():
            self.current = self.loop.create_task(_traced_link(by))
            return self.current
        if self.following is None:
            self.following = self.loop.create_task(self._after(self.current, by))
        return self.following


async def _traced_link(by: str) -> list[int]:
    # A trace of its own: not that of the request that happened to start the run.
    with active_span("audit.link", context=otel_context.Context()):
        return await link_pending(by)


class _Linker:
    """One per event loop, for rows written outside a request or job run (scripts, the
    CLI, tasks a request left running). Watches the transactions that wrote unlinked rows
    (a look at a flag, no query) and links once any of them has ended: committed, so its rows
    are there to link, or rolled back, one look that finds nothing. A transaction still open
    after GIVE_UP_SECONDS is left to the sweep."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.waiting: dict[int, tuple[BaseDBAsyncClient, float]] = {}  # id() -> (tx, until)
        self.task: asyncio.Task[None] | None = None
        self.flight = _Flight(loop)

    def kick(self, transaction: BaseDBAsyncClient) -> None:
        self.waiting.setdefault(id(transaction),
                                (transaction, self.loop.time() + GIVE_UP_SECONDS))
        if self.task is None or self.task.done():
            self.task = self.loop.create_task(self._run(transaction._parent))

    async def _run(self, client: BaseDBAsyncClient) -> None:
        connections.set(audit_chain.connection_name(), client)  # (this task's context only)
        delay = WATCH_SECONDS[0]
        while self.waiting:
            await asyncio.sleep(delay)
            now = self.loop.time()
            ended = [key for key, (tx, until) in self.waiting.items()
                     if transaction_end.ended(tx) or until <= now]
            if not ended:
                delay = min(delay * 2, WATCH_SECONDS[1])
                continue
            for key in ended:
                del self.waiting[key]
            delay = WATCH_SECONDS[0]
            try:
                await asyncio.shield(self.flight.run("task"))
            except Exception:  # the sweep links them later
                log.exception("linking audit rows failed")

    async def stop(self) -> None:
        self.waiting.clear()
        task, self.task = self.task, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        for run in (self.flight.current, self.flight.following):
            if run is not None:
                await asyncio.gather(run, return_exceptions=True)


_linkers: dict[asyncio.AbstractEventLoop, _Linker] = {}


def _linker() -> _Linker:
    return audit_chain.for_this_loop(_linkers, _Linker)


def after_commit(db: BaseDBAsyncClient) -> None:
    """Rows were inserted unlinked in `db`'s transaction: link them once it commits. In a
    request (or job run): after its response, once for all its transactions; else by the
    linker task."""
    transaction = transaction_end.outermost(db)
    if not after_response.defer(_after_request, transaction):
        _linker().kick(transaction)


async def _after_request(transactions: list[BaseDBAsyncClient]) -> None:
    linker = _linker()
    still_open = [tx for tx in transactions if not transaction_end.ended(tx)]  # (left running in a task)
    for tx in still_open:
        linker.kick(tx)
    if len(still_open) < len(transactions):
        await asyncio.shield(linker.flight.run("request"))


async def finish() -> None:
    """Shutdown (app, worker, CLI): stop the task; link what it was still waiting for. A
    failure here is logged, not raised: the sweep links those rows later."""
    linker = _linkers.pop(asyncio.get_running_loop(), None)
    if linker is None:
        return
    waited = bool(linker.waiting)
    await linker.stop()
    if waited:
        try:
            await link_pending()
        except Exception:
            log.exception("linking audit rows at shutdown failed")


async def settle() -> list[int]:
    """Stop this process's linker task and link what has committed now (tests, the CLI)."""
    linker = _linkers.get(asyncio.get_running_loop())
    if linker is not None:
        await linker.stop()
    return await link_pending()


# --- the sweep and the alarm ---------------------------------------------------------------------

@dataclass(frozen=True)
class Unlinked:
    rows: int  # committed rows not linked yet
    oldest_age: float | None  # seconds since the oldest of them was written
    stale: int  # of them, written longer ago than the alarm threshold

    @classmethod
    def none(cls) -> Unlinked:
        return cls(0, None, 0)

    @property
    def alarm(self) -> bool:
        return self.stale > 0


async def measure() -> Unlinked:
    """The committed unlinked rows, and how many waited past the alarm threshold."""
    from unionhub.identity.models import AuditLog

    threshold = get_settings().audit_unlinked_alarm_seconds
    now = utcnow()
    unlinked = AuditLog.filter(seq__isnull=True)
    rows = await unlinked.count()
    if not rows:
        return Unlinked(0, None, 0)
    oldest = await unlinked.order_by("at").first()
    stale = await unlinked.filter(at__lt=now - timedelta(seconds=threshold)).count()
    age = (now - oldest.at).total_seconds() if oldest is not None else None
    return Unlinked(rows, age, stale)


async def sweep() -> Unlinked:
    """The periodic job: measure the unlinked rows (the alarm), link them, measure again (the
    gauges). Returns the first measure."""
    before = await measure()
    if before.alarm:  # linked late below, if linking works again: still an alarm
        metrics.AUDIT_UNLINKED_LATE.add(before.stale)
        log.error("audit chain: %d rows unlinked for over %d s (oldest %.0f s): linking is "
                  "failing", before.stale, get_settings().audit_unlinked_alarm_seconds,
                  before.oldest_age or 0)
    after = before
    if before.rows:
        await link_pending("sweep")
        after = await measure()
    metrics.AUDIT_UNLINKED_ROWS.set(after.rows)
    metrics.AUDIT_UNLINKED_AGE.set(after.oldest_age or 0.0)
    return before
