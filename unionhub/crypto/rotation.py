"""Online key rotation (`unionhub keys rotate`): every ciphertext and blind index not made with
the current key, and every ciphertext not yet bound to its row, is re-made with the current key
(bound), table by table in id order, a batch per transaction.

- Resumable: the last id done per table is saved with each batch in the run's `key_rotations`
  row, so a killed run continues where it stopped (`resume` after its heartbeat goes stale).
- One at a time: a second run while one is alive is refused with ROTATION_RUNNING (a partial
  unique index allows one RUNNING row; a live runner's heartbeat keeps others out).
- Online: the service keeps reading (a ciphertext names its key, retired keys stay live) and
  finding (blind-index lookups try every live key) while rows move. Each row is updated only
  if its ciphertexts are still those the batch read, so a write by the service in between is
  never overwritten with stale data; such a row is picked up by the next pass.
- Moving between suites (AES to SM4) is the same rotation: the new key id names the new suite.
- Binding: a table's `owner` columns name the row a ciphertext belongs to (identity.crypto);
  an unbound value is read as such (while UNIONHUB_ACCEPT_UNBOUND_CIPHERTEXTS is on) and
  written back bound. A value that does not authenticate under its row (moved, altered) is
  never re-made, which would launder it: its row is left as it is, logged and reported.

Domains declare their encrypted columns in `unionhub/<domain>/encrypted.py` (ENCRYPTED_TABLES).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.models import Model
from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.crypto.keyring import BOUND, bound_prefix, key_id_of, keyring
from unionhub.crypto.suites import DecryptionFailed
from unionhub.errors import Conflict
from unionhub.settings import get_settings

MAX_PASSES = 5  # passes over the tables to catch rows the service rewrote mid-batch


@dataclass(frozen=True)
class EncryptedTable:
    model: type[Model]
    ciphertexts: dict[str, str]  # column -> purpose (associated data)
    blind_indexes: dict[str, tuple[str, str]] = field(default_factory=dict)  # -> (column, purpose)
    after_batch: Callable[[list[int]], Awaitable[None]] | None = None  # e.g. drop cached copies
    owner: tuple[str, ...] = ()  # columns naming the row ciphertexts are bound to ("/"-joined)

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    def stale(self, key_id: str) -> Q:
        """Rows with any value not under `key_id` (or, where bound, not bound)."""
        sealed = bound_prefix(key_id) if self.owner else f"{key_id}:"
        prefixes = {**dict.fromkeys(self.ciphertexts, sealed),
                    **dict.fromkeys(self.blind_indexes, f"{key_id}:")}
        # (an erased value, a closed account's "", is no ciphertext: never left to rotate)
        return Q(*(Q(**{f"{column}__isnull": False}) & ~Q(**{column: ""})  # type: ignore[arg-type]  # Tortoise types Q(**kwargs) as str
                   & ~Q(**{f"{column}__startswith": prefix})
                   for column, prefix in prefixes.items()), join_type="OR")

    def owner_of(self, row: dict[str, Any]) -> str | None:
        return "/".join(str(row[c]) for c in self.owner) if self.owner else None


class RotationRunning(Conflict):
    code = "ROTATION_RUNNING"


def encrypted_tables() -> list[EncryptedTable]:
    from unionhub.domains import optional_domain_modules

    return [t for module in optional_domain_modules("encrypted") for t in module.ENCRYPTED_TABLES]


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


async def _begin(holder: str) -> Any:
    """Start a run, or take over one whose runner has gone quiet (killed)."""
    from unionhub.identity.models import KeyRotation

    target = keyring().current.id
    now = utcnow()
    running = await KeyRotation.filter(status="RUNNING").first()
    if running is not None:
        quiet = (now - running.heartbeat_at).total_seconds()
        if quiet < get_settings().key_rotation_stale_seconds:
            raise RotationRunning(
                f"key rotation {running.id} (to key {running.target_key_id}) is running, last "
                f"heard from {quiet:.0f} s ago; it may be resumed once quiet for "
                f"{get_settings().key_rotation_stale_seconds:.0f} s")
        cursors = running.cursors if running.target_key_id == target else {}
        taken = await KeyRotation.filter(
            id=running.id, holder=running.holder, heartbeat_at=running.heartbeat_at,
        ).update(holder=holder, heartbeat_at=now, target_key_id=target, cursors=cursors)
        if not taken:
            raise RotationRunning("another runner took this key rotation over first")
        return await KeyRotation.get(id=running.id)
    try:
        return await KeyRotation.create(target_key_id=target, holder=holder, heartbeat_at=now)
    except IntegrityError:  # another run started between our look and our insert
        raise RotationRunning("another key rotation started just now") from None


async def remaining(key_id: str | None = None) -> dict[str, int]:
    """Rows per table with any value not under `key_id` (default: the current key)."""
    key_id = key_id or keyring().current.id
    return {t.name: await t.model.filter(t.stale(key_id)).count() for t in encrypted_tables()}


class Unreadable(Exception):
    """A row whose ciphertext does not authenticate under it: left as it is."""


def _rotated(table: EncryptedTable, row: dict[str, Any]) -> dict[str, Any] | None:
    """The row's new values, or None when everything is already under the current key (and
    bound). Raises Unreadable (logged, counted) for a value that does not authenticate."""
    from unionhub.identity.crypto import blind_index, decrypt, encrypt, is_bound, refused

    ring = keyring()
    target = ring.current
    owner = table.owner_of(row)
    new: dict[str, Any] = {}
    plain: dict[str, str | None] = {}
    for column, purpose in table.ciphertexts.items():
        value = row[column]
        if not value:  # none (a nullable column) or erased (""): nothing to move
            plain[column], new[column] = None, value
            continue
        try:
            text = plain[column] = decrypt(value, purpose, owner=owner)
        except DecryptionFailed as exc:
            refused(purpose, f"{table.name} row {row['id']}", exc)
            raise Unreadable from None
        done = key_id_of(value) == target.id and (owner is None or is_bound(value))
        new[column] = value if done else encrypt(text, purpose, owner=owner, key=target)
    for column, (source, purpose) in table.blind_indexes.items():
        value = row[column]
        new[column] = value if value is None or key_id_of(value) == target.id or \
            (source_plain := plain[source]) is None else blind_index(source_plain, purpose, target)
    if all(new[c] == row[c] for c in new):
        return None
    return new


def _update_sql(table: EncryptedTable, postgres: bool) -> tuple[str, list[str]]:
    """One row's conditional UPDATE: the new values, only if its ciphertexts are unchanged."""
    columns = [*table.ciphertexts, *table.blind_indexes]
    n = 0

    def p() -> str:
        nonlocal n
        n += 1
        return f"${n}" if postgres else "?"

    sets = ", ".join(f"{c} = {p()}" for c in columns)
    where = f"id = {p()}" + "".join(f" AND COALESCE({c}, '') = COALESCE({p()}, '')"
                                    for c in table.ciphertexts)
    return f"UPDATE {table.name} SET {sets} WHERE {where}", columns  # noqa: S608


async def _batch(table: EncryptedTable, after_id: int, size: int,
                 save_progress: Callable[[Any, int, int], Awaitable[None]],
                 unreadable: set[int]) -> tuple[int | None, list[int]]:
    """Rotate one batch after `after_id`; returns (last id read, ids rewritten), adding the ids
    of rows left unreadable to `unreadable`. The run's progress is saved in the batch's
    transaction: a kill loses both or neither."""
    columns = [*table.ciphertexts, *table.blind_indexes]
    rows = await table.model.filter(id__gt=after_id).order_by("id").limit(size) \
        .values(*dict.fromkeys(("id", *table.owner, *columns)))
    if not rows:
        return None, []
    changes = []
    for row in rows:
        try:
            new = _rotated(table, row)
        except Unreadable:
            unreadable.add(row["id"])
            continue
        if new is not None:
            changes.append((row, new))
    async with in_transaction() as conn:
        if changes:
            sql, order = _update_sql(table, conn.capabilities.dialect == "postgres")
            await conn.execute_many(sql, [
                [*(new[c] for c in order), row["id"], *(row[c] for c in table.ciphertexts)]
                for row, new in changes])
        await save_progress(conn, rows[-1]["id"], len(changes))
    return rows[-1]["id"], [row["id"] for row, _ in changes]


@dataclass
class RotationResult:
    rotation_id: int
    target_key_id: str
    rows_rotated: int
    left: dict[str, int]  # rows not under the key (or unbound), the unreadable ones among them
    unreadable: dict[str, list[int]] = field(default_factory=dict)  # ids, per table


async def rotate(batch: int = 1000, pause: float = 0.0,
                 progress: Callable[[int], None] | None = None,
                 on_start: Callable[[int], None] | None = None) -> RotationResult:
    """Run (or resume) the rotation to the current key. `on_start(total)` gets the number of
    rows still to move (a progress bar's total), `progress(n)` each batch's row count."""
    import asyncio

    from unionhub.identity import audit
    from unionhub.identity.models import KeyRotation

    holder = holder_name()
    run = await _begin(holder)
    target = run.target_key_id
    await audit.record(audit.KEY_ROTATION_START, actor_id=None, subject_type="key",
                       subject_id=target, detail={"rotation": run.id,
                                                  "resumed": bool(run.cursors)})
    if on_start is not None:
        on_start(sum((await remaining(target)).values()))
    cursors: dict[str, int] = dict(run.cursors)
    done = 0
    unreadable: dict[str, set[int]] = {}
    for _pass in range(MAX_PASSES):
        unreadable = {t.name: set() for t in encrypted_tables()}  # found again each pass
        for table in encrypted_tables():
            async def save_progress(conn: Any, last: int, changed: int) -> None:
                held = await KeyRotation.filter(id=run.id, holder=holder).using_db(conn).update(
                    cursors={**cursors, table.name: last}, heartbeat_at=utcnow(),  # noqa: B023
                    rows_rotated=F("rows_rotated") + changed)
                if not held:  # (rolls the batch back with it)
                    raise RotationRunning("this key rotation was taken over by another runner")

            while True:
                last, changed = await _batch(table, cursors.get(table.name, 0), batch,
                                             save_progress, unreadable[table.name])
                if last is None:
                    break
                cursors[table.name] = last
                if changed and table.after_batch is not None:
                    await table.after_batch(changed)
                done += len(changed)
                if progress is not None:
                    progress(len(changed))
                if pause:
                    await asyncio.sleep(pause)
        left = await remaining(target)
        if all(n <= len(unreadable[name]) for name, n in left.items()):
            break  # (a resumed run's first pass starts at its cursors; the next reads all)
        cursors = {}  # rows the service rewrote under an old key mid-batch: once more
    # Unfinished (rows kept being rewritten under an old key): left RUNNING with a heartbeat
    # in the past, so the next `keys rotate` resumes it at once.
    # Rows left unreadable are for an operator (OPERATORS.md), not for another run: DONE.
    finished = all(n <= len(unreadable[name]) for name, n in left.items())
    await KeyRotation.filter(id=run.id, holder=holder).update(
        status="DONE" if finished else "RUNNING", finished_at=utcnow(),
        cursors=cursors, heartbeat_at=utcnow() - timedelta(days=1))
    found = {name: sorted(ids) for name, ids in unreadable.items() if ids}
    await audit.record(audit.KEY_ROTATION_FINISH, actor_id=None, subject_type="key",
                       subject_id=target, detail={"rotation": run.id, "rows": done,
                                                  "left": sum(left.values()),
                                                  "unreadable": sum(map(len, found.values()))})
    return RotationResult(run.id, target, done, left, found)


async def status() -> dict[str, dict[str, dict[str, int]]]:
    """Rows per key id, per column, per table: {table: {column: {key id: rows}}}; a bound
    table's unbound ciphertexts count under "<key id> (unbound)"."""
    result: dict[str, dict[str, dict[str, int]]] = {}
    for table in encrypted_tables():
        per_column: dict[str, dict[str, int]] = {}
        conn = table.model._meta.db
        postgres = conn.capabilities.dialect == "postgres"
        for column in (*table.ciphertexts, *table.blind_indexes):
            key = f"split_part({column}, ':', 1)" if postgres else \
                f"substr({column}, 1, instr({column}, ':') - 1)"
            if table.owner and column in table.ciphertexts:  # only a bound value has two ":"
                key = (f"{key} || CASE WHEN {column} LIKE '%:{BOUND}:%' THEN '' "
                       f"ELSE ' (unbound)' END")
            rows = await conn.execute_query_dict(
                f"SELECT {key} AS key_id, COUNT(*) AS n FROM {table.name} "  # noqa: S608
                f"WHERE {column} IS NOT NULL AND {column} <> '' GROUP BY {key} ORDER BY 1")
            per_column[column] = {str(r["key_id"]) or "(none)": int(r["n"]) for r in rows}
        result[table.name] = per_column
    return result
