"""The audit log's hash chain: every row carries `seq` (its place) and `hash`, the hash of the
previous row's hash and of the row's own content, so an edited, inserted or deleted row breaks
every hash after it (`verify`), and the head hash kept outside the database (`unionhub audit
anchor`) catches a chain rewritten whole.

Two ways in, one chain (the head row, `audit_chain_head` id 1, is where links serialize):
- `append_in_transaction` (rows written where they happen, `audit.record`): inside a caller's
  transaction the rows are inserted UNLINKED (seq and hash NULL), without touching the head,
  so they commit or roll back with the business change and the transaction locks nothing
  else; `audit_linker` links them after the commit, in a short transaction of its own under
  the head's lock. (Holding the head's lock to the caller's commit serialized every money and
  account write in the province on one row, and could deadlock against a transaction that
  locked other rows first.) Outside a transaction, the rows are linked at once, in a short
  transaction of their own under the head's lock (the same thing, without the wait).
- `append_batch` (the group commit of reads, `audit.record_reads`): ONE statement on
  PostgreSQL, a conditional UPDATE of the head (from the head this process last wrote) and the
  INSERT of the rows, linked, in a data-modifying CTE. The head's row lock is the
  serialization point; if another writer or the linker moved the head meanwhile, nothing is
  written and the batch is read again, or linked under the lock. So the hot path stays one
  round trip per batch, as before.

The hash: "<algorithm>:<hex>" of prev_hash + "\\n" + the row's canonical JSON; the algorithm
is SHA-256, or SM3 under UNIONHUB_CRYPTO_SUITE=sm, and is named per row so a change of suite
keeps older rows verifiable.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import orjson
from tortoise import connections
from tortoise.backends.base.client import TransactionalDBClient
from tortoise.transactions import in_transaction

from unionhub.crypto.suites import AES, SM, Suite
from unionhub.settings import get_settings

_ALGORITHMS: dict[str, Suite] = {"sha256": AES, "sm3": SM}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# A row to append, in the column order of the INSERT:
# (at, actor_id, action, subject_type, subject_id, trace_id, detail, union_id)
Entry = tuple[datetime, int | None, str, str, str, str | None, dict[str, Any], int | None]
COLUMNS = ("at", "actor_id", "action", "subject_type", "subject_id", "trace_id", "detail",
           "union_id", "seq", "hash")
_PG_TYPES = ("timestamptz", "bigint", "text", "text", "text", "text", "jsonb", "bigint",
             "bigint", "text")


def _algorithm() -> tuple[str, Suite]:
    return ("sm3", SM) if get_settings().crypto_suite == "sm" else ("sha256", AES)


def canonical(seq: int, at: datetime, actor_id: int | None, action: str, subject_type: str,
              subject_id: str, trace_id: str | None, detail: dict[str, Any],
              union_id: int | None) -> bytes:
    # Compact UTF-8 JSON with sorted keys (orjson), the time as whole microseconds since the
    # epoch (exact, and the same whatever time zone object the database hands back).
    when = (at - _EPOCH) // _MICROSECOND
    return orjson.dumps([seq, when, actor_id, action, subject_type, subject_id, trace_id, detail,
                         union_id], option=orjson.OPT_SORT_KEYS)


def link_hash(previous: str, content: bytes, algorithm: str | None = None) -> str:
    """The hash of a row after `previous`; `algorithm` from the stored row when verifying."""
    name, suite = (algorithm, _ALGORITHMS[algorithm]) if algorithm else _algorithm()
    digest = suite.hash_hex(previous.encode() + b"\n" + content)
    return f"{name}:{digest}"


def link(head_seq: int, head_hash: str, entries: Sequence[Entry]) -> list[tuple[Any, ...]]:
    """The entries as full rows (COLUMNS order), chained after the head (`link_hash`, with the
    algorithm looked up once for the batch)."""
    name, suite = _algorithm()
    rows, previous = [], head_hash
    for offset, (at, actor, action, s_type, s_id, trace, detail, union) in enumerate(entries):
        seq = head_seq + 1 + offset
        content = canonical(seq, at, actor, action, s_type, s_id, trace, detail, union)
        digest = suite.hash_hex(previous.encode() + b"\n" + content)
        previous = f"{name}:{digest}"
        rows.append((at, actor, action, s_type, s_id, trace, detail, union, seq, previous))
    return rows


_T = TypeVar("_T")


def for_this_loop(registry: dict[asyncio.AbstractEventLoop, _T],
                  make: Callable[[asyncio.AbstractEventLoop], _T]) -> _T:
    """The running loop's one `make(loop)` in `registry` (the group commit's, the linker's):
    each holds tasks of its own loop; those of closed loops (tests, scripts) are dropped."""
    loop = asyncio.get_running_loop()
    found = registry.get(loop)
    if found is None:
        for old in [old for old in registry if old.is_closed()]:
            del registry[old]
        found = registry[loop] = make(loop)
    return found


# --- the last head this process wrote: the hot path's guess -----------------------------------

_known_head: tuple[int, str] | None = None


def remember(rows: list[tuple[Any, ...]]) -> None:
    """The head as the last rows this process linked (their seq, hash) left it."""
    global _known_head
    if rows:
        _known_head = (rows[-1][8], rows[-1][9])


def forget_head() -> None:
    """After the chain changed behind this process's back (tests, archiving elsewhere)."""
    global _known_head
    _known_head = None


# --- SQL ---------------------------------------------------------------------------------------

def _is_postgres(db: Any) -> bool:
    return bool(db.capabilities.dialect == "postgres")


_EMPTY_DETAIL: list[Any] = []  # the stored form of `{}`, once known


def _db_values(db: Any, rows: list[tuple[Any, ...]]) -> list[Any]:
    from unionhub.identity.models import AuditLog

    detail_field = AuditLog._meta.fields_map["detail"]
    if not _EMPTY_DETAIL:
        _EMPTY_DETAIL.append(detail_field.to_db_value({}, AuditLog))
    empty = _EMPTY_DETAIL[0]
    values: list[Any] = []
    for row in rows:
        values.extend(row[:6])
        detail = row[6]
        # (reads carry no detail: the field's encoding of `{}` once, not per row)
        values.append(empty if type(detail) is dict and not detail
                      else detail_field.to_db_value(detail, AuditLog))
        values.extend(row[7:])
    return values


_SQL: dict[tuple[str, str, int], str] = {}


def _insert_sql(db: Any, rows: int, *, guarded: bool) -> str:
    """INSERT of `rows` rows; `guarded` (PostgreSQL): only if the head moves from ($3, $4),
    the head this process last wrote, to ($1, $2)."""
    key = (db.connection_name, "guarded" if guarded else "plain", rows)
    sql = _SQL.get(key)
    if sql is None:
        postgres = _is_postgres(db)
        width, first = len(COLUMNS), 5 if guarded else 1
        tuples = []
        for row in range(rows):
            if postgres:
                cells = (f"${first + row * width + i}::{_PG_TYPES[i]}" for i in range(width))
            else:
                cells = ("?" for _ in range(width))
            tuples.append(f"({', '.join(cells)})")
        columns = ", ".join(COLUMNS)
        if guarded:
            sql = ("WITH head AS (UPDATE audit_chain_head SET seq = $1, hash = $2 "  # noqa: S608
                   "WHERE id = 1 AND seq = $3 AND hash = $4 RETURNING id) "
                   f"INSERT INTO audit_log ({columns}) SELECT v.* FROM (VALUES "
                   f"{', '.join(tuples)}) AS v({columns}) WHERE EXISTS (SELECT 1 FROM head) "
                   "RETURNING seq")
        else:
            sql = f"INSERT INTO audit_log ({columns}) VALUES {', '.join(tuples)}"  # noqa: S608
        _SQL[key] = sql
    return sql


async def lock_head(conn: Any) -> tuple[int, str]:
    lock = " FOR UPDATE" if _is_postgres(conn) else ""
    if not lock:
        # SQLite: take the write lock before reading (waiting on busy_timeout), or a read
        # followed by a write fails at once if another process wrote in between (WAL).
        await conn.execute_query("UPDATE audit_chain_head SET seq = seq WHERE id = 1")
    select = f"SELECT seq, hash FROM audit_chain_head WHERE id = 1{lock}"  # noqa: S608
    _, found = await conn.execute_query(select)
    if not found:
        # An empty database (the migration's row gone with the tables' contents). Were rows
        # left while the head was deleted, the new chain's seq 1 collides with the old one's
        # (unique), so appends fail loudly rather than fork the chain.
        await conn.execute_query(_CREATE_HEAD)
        _, found = await conn.execute_query(select)
    return int(found[0]["seq"]), str(found[0]["hash"])


async def _append_locked(conn: Any, entries: Sequence[Entry]) -> list[tuple[Any, ...]]:
    seq, head = await lock_head(conn)
    rows = link(seq, head, entries)
    await conn.execute_query(_insert_sql(conn, len(rows), guarded=False), _db_values(conn, rows))
    placeholder = ("$1", "$2", "$3") if _is_postgres(conn) else ("?", "?", "?")
    count, _ = await conn.execute_query(
        f"UPDATE audit_chain_head SET seq = {placeholder[0]}, hash = {placeholder[1]} "  # noqa: S608
        f"WHERE id = 1 AND seq = {placeholder[2]}", [rows[-1][8], rows[-1][9], seq])
    # (Under the lock on PostgreSQL this always matches; on SQLite another process may
    # have appended between our read and this write.)
    if count != 1:  # SQLite from two processes: the head moved under us; roll back
        raise ChainHeadMoved("the audit chain head moved during an append")
    return rows


class ChainHeadMoved(RuntimeError):
    pass


async def append_in_transaction(entries: Sequence[Entry]) -> None:
    """In the caller's transaction: insert unlinked, linked after its commit (`audit_linker`).
    Outside one: linked at once, under the head's lock in a transaction of its own."""
    if not entries:
        return
    from unionhub.identity import audit_linker

    name = connection_name()
    db = connections.get(name)
    if not isinstance(db, TransactionalDBClient):
        async with in_transaction(name) as conn:
            rows = await _append_locked(conn, entries)
        remember(rows)
        return
    unlinked = [(*entry, None, None) for entry in entries]
    await db.execute_query(_insert_sql(db, len(unlinked), guarded=False),
                           _db_values(db, unlinked))
    audit_linker.after_commit(db)


def connection_name() -> str:
    from unionhub.identity.models import AuditLog

    return AuditLog._meta.default_connection or "default"


async def append_batch(entries: Sequence[Entry], execute: Any = None, db: Any = None) -> None:
    """The group commit's append, outside any transaction. `execute(sql, values)` runs one
    statement and returns its rows (the held connection); else the pool's connection. `db`:
    the audit log's connection, where the caller has it already."""
    if db is None:
        db = connections.get(connection_name())
    if _is_postgres(db):
        async def run(sql: str, values: list[Any]) -> list[Any]:
            if execute is not None:
                return list(await execute(sql, values))
            return list((await db.execute_query(sql, values))[1])

        for _attempt in range(3):
            if _known_head is None and not await _read_head(run):
                break  # no head row yet: the locked path creates it
            seq, head = _known_head  # type: ignore[misc]
            rows = link(seq, head, entries)
            written = await run(_insert_sql(db, len(rows), guarded=True),
                                [rows[-1][8], rows[-1][9], seq, head, *_db_values(db, rows)])
            if len(written) == len(rows):
                remember(rows)
                return
            forget_head()  # another writer moved the head: read it again
    # SQLite, or the head kept moving: lock it and link under the lock.
    await append_in_transaction(entries)


_CREATE_HEAD = ("INSERT INTO audit_chain_head (id, seq, hash, archived_seq, archived_hash) "
                "VALUES (1, 0, '', 0, '') ON CONFLICT (id) DO NOTHING")


async def _read_head(run: Any) -> bool:
    global _known_head
    select = "SELECT seq, hash FROM audit_chain_head WHERE id = 1"
    found = await run(select, [])
    if not found:  # an emptied database (see lock_head)
        await run(_CREATE_HEAD, [])
        found = await run(select, [])
    if not found:
        return False
    _known_head = (int(found[0]["seq"]), str(found[0]["hash"]))
    return True


async def chain_existing_rows(client: Any, batch: int = 5000) -> None:
    """The migration's: link rows written before the chain existed, in id order."""
    seq, head = 0, ""
    last_id = 0
    p = ("$1", "$2", "$3") if _is_postgres(client) else ("?", "?", "?")
    while True:
        rows = await client.execute_query_dict(
            "SELECT id, at, actor_id, action, subject_type, subject_id, trace_id, detail, "  # noqa: S608
            f"union_id FROM audit_log WHERE id > {int(last_id)} AND seq IS NULL "
            f"ORDER BY id LIMIT {int(batch)}")
        if not rows:
            break
        for row in rows:
            seq += 1
            at = row["at"] if isinstance(row["at"], datetime) else datetime.fromisoformat(row["at"])
            at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
            detail = row["detail"]
            detail = json.loads(detail) if isinstance(detail, str | bytes) else (detail or {})
            head = link_hash(head, canonical(seq, at, row["actor_id"], row["action"],
                                             row["subject_type"], row["subject_id"],
                                             row["trace_id"], detail, row["union_id"]))
            await client.execute_query(
                f"UPDATE audit_log SET seq = {p[0]}, hash = {p[1]} WHERE id = {p[2]}",  # noqa: S608
                [seq, head, row["id"]])
            last_id = row["id"]
    await client.execute_query(
        f"UPDATE audit_chain_head SET seq = {p[0]}, hash = {p[1]} WHERE id = 1", [seq, head])  # noqa: S608
