"""The audit log's hash chain: intact chains verify; an edited, deleted or smuggled row is
named; a chain rewritten whole is caught by the anchor; concurrent appends (group-committed
reads, transactional records, another process) keep one unbroken chain; retention archives
without breaking it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from datetime import timedelta

import pytest
from tortoise.transactions import in_transaction

from tests.factories import Factory
from tests.processes import ROOT, run
from unionhub import db
from unionhub.clock import utcnow
from unionhub.identity import audit, audit_chain, audit_integrity, audit_linker
from unionhub.identity.models import AuditChainHead, AuditLog, AuditLogArchive

BY_ID = "query M($id: ID!) { member(id: $id) { id name phone idNumber } }"


async def _some_rows() -> list[AuditLog]:
    await audit.record("test.one", actor_id=1, subject_type="member", subject_id=1,
                       detail={"b": 2, "a": [1, "x"]}, union_id=7)
    await audit.record_many("test.many", actor_id=2, subject_type="member", subject_ids=[3, 4])
    await asyncio.gather(*(audit.record_reads("test.read", actor_id=3, subject_type="member",
                                              subject_ids=[i], union_id=9) for i in range(5)))
    await audit.record("test.last", actor_id=None, subject_type="key", subject_id="v1")
    return await AuditLog.all().order_by("seq")


async def _sql(statement: str) -> None:
    """A change made around the application. On PostgreSQL the append-only triggers refuse it
    first; then it is made as the tables' owner can, with the triggers disabled."""
    if not db.is_postgres():
        await db.conn().execute_script(statement)
        return
    from tortoise.exceptions import OperationalError

    with pytest.raises(OperationalError, match="append-only"):
        await db.conn().execute_script(statement)
    async with _owner():
        await db.conn().execute_script(statement)


@contextlib.asynccontextmanager
async def _owner():
    """The tables' owner disabling the append-only triggers (PostgreSQL)."""
    tables = ("audit_log", "audit_log_archive")
    if db.is_postgres():
        for table in tables:
            await db.conn().execute_script(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    try:
        yield
    finally:
        if db.is_postgres():
            for table in tables:
                await db.conn().execute_script(f"ALTER TABLE {table} ENABLE TRIGGER USER")


async def test_an_intact_chain_verifies_and_the_head_is_its_last_row():
    rows = await _some_rows()
    assert [r.seq for r in rows] == list(range(1, 10))
    report = await audit_integrity.verify()
    assert report.ok and report.rows == 9
    head = await AuditChainHead.get(id=1)
    assert (head.seq, head.hash) == (rows[-1].seq, rows[-1].hash) == (report.head_seq,
                                                                      report.head_hash)
    assert await audit_integrity.anchor() == f"9:{rows[-1].hash}"
    assert rows[0].hash.startswith("sha256:" if os.environ.get(
        "UNIONHUB_CRYPTO_SUITE", "aes") == "aes" else "sm3:")


async def test_a_direct_update_breaks_the_chain_and_verify_names_the_row():
    rows = await _some_rows()
    target = rows[4]
    await _sql(f"UPDATE audit_log SET actor_id = 99 WHERE id = {target.id}")
    report = await audit_integrity.verify()
    assert not report.ok and report.rows == 4
    assert (report.breach.row_id, report.breach.seq) == (target.id, target.seq)

    result = await run("audit", "verify")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"row id={target.id} seq={target.seq}" in result.stdout
    assert "BROKEN" in result.stdout


async def test_a_deleted_row_a_deleted_tail_and_a_smuggled_row_are_named():
    rows = await _some_rows()
    await _sql(f"DELETE FROM audit_log WHERE id = {rows[2].id}")
    report = await audit_integrity.verify()
    assert report.breach.row_id == rows[3].id and "missing" in report.breach.reason

    async with _owner():
        await AuditLog.all().delete()
    rows = await _some_rows()  # (a fresh chain continues from the head: seq 10..)
    await _sql("DELETE FROM audit_log WHERE seq >= 1")
    # (The head row itself moves with every append: no trigger guards it, the chain does.)
    await db.conn().execute_script("UPDATE audit_chain_head SET seq = 0, hash = '' WHERE id = 1")
    rows = await _some_rows()
    assert (await audit_integrity.verify()).ok
    await _sql(f"DELETE FROM audit_log WHERE id = {rows[-1].id}")
    report = await audit_integrity.verify()
    assert report.breach.table == "audit_chain_head" and "head is seq 9" in report.breach.reason

    # (Appending is what the table allows. A row written around the chain, unlinked, looks
    # like one awaiting the linker; long unlinked, it is the alarm, not a break.)
    await db.conn().execute_script("UPDATE audit_chain_head SET seq = 8 WHERE id = 1")
    await db.conn().execute_script(
        "UPDATE audit_chain_head SET hash = (SELECT hash FROM audit_log WHERE seq = 8)")
    await db.conn().execute_script(
        "INSERT INTO audit_log (at, actor_id, action, subject_type, subject_id, detail) "
        "VALUES ('2026-01-01 00:00:00+00:00', 5, 'forged', 'member', '1', '{}')")
    report = await audit_integrity.verify()
    assert report.ok and report.unlinked.rows == report.unlinked.stale == 1
    assert report.unlinked.alarm and report.unlinked.oldest_age > 300


async def test_a_chain_rewritten_whole_is_caught_by_the_anchor():
    rows = await _some_rows()
    anchor = await audit_integrity.anchor()
    # Someone with the database rewrites a row and recomputes every hash after it, and the head.
    previous = ""
    for row in rows:
        if row.seq == 3:
            row.actor_id = 1234
        row.hash = audit_chain.link_hash(previous, audit_integrity._content(row))
        previous = row.hash
        async with _owner():
            await AuditLog.filter(id=row.id).update(actor_id=row.actor_id, hash=row.hash)
    await AuditChainHead.filter(id=1).update(hash=previous)
    assert (await audit_integrity.verify()).ok  # consistent in itself...
    report = await audit_integrity.verify(anchor)  # ...but not the chain anchored earlier
    assert not report.ok and "anchored" in report.breach.reason
    result = await run("audit", "verify", "--anchor", anchor)
    assert result.returncode == 1


async def test_concurrent_audited_reads_and_records_keep_one_valid_chain(gql, factory: Factory):
    """Group-committed reads from concurrent requests, records inside other transactions and,
    on PostgreSQL, a second process appending at the same time: one chain, no gap, no fork."""
    tree = await factory.tree()
    members = [await factory.account() for _ in range(5)]
    cadre = await factory.cadre(tree.province)

    async def in_a_transaction(i: int) -> None:
        async with in_transaction():
            await audit.record("test.tx", actor_id=i, subject_type="member", subject_id=i)

    other = None
    if db.is_postgres():
        # (Half its records in transactions: its linker and ours link at the same time.)
        script = ("import asyncio\nfrom tortoise.transactions import in_transaction\n"
                  "from unionhub import db\nfrom unionhub.identity import audit, audit_linker\n"
                  "async def main():\n    await db.init_db()\n"
                  "    for i in range(60):\n"
                  "        await audit.record_reads('test.other_process', actor_id=i, "
                  "subject_type='member', subject_ids=[i, i])\n"
                  "        async with in_transaction() if i % 2 else db_none():\n"
                  "            await audit.record('test.other_process', actor_id=i, "
                  "subject_type='member', subject_id=i)\n"
                  "    await audit_linker.finish()\n"
                  "    await audit.release_held_connections()\n    await db.close_db()\n"
                  "import contextlib\ndb_none = contextlib.nullcontext\n"
                  "asyncio.run(main())\n")
        other = await asyncio.create_subprocess_exec(sys.executable, "-c", script, cwd=ROOT,
                                                     env=dict(os.environ))
    reads = [gql(BY_ID, {"id": m.id}, token=cadre.token) for m in members for _ in range(6)]
    results = await asyncio.gather(*reads, *(in_a_transaction(i) for i in range(20)))
    for r in results[:len(reads)]:
        assert r.errors == [] and r.data["member"]["idNumber"]
    if other is not None:
        async with asyncio.timeout(120):
            assert await other.wait() == 0
    await audit_linker.settle()  # (the transactions' rows: linked just after their commits)
    rows = await AuditLog.all().order_by("seq").values_list("seq", flat=True)
    expected = 30 * 3 + 20 + (180 if other is not None else 0)
    assert rows == list(range(1, expected + 1))
    report = await audit_integrity.verify()
    assert report.ok, report.breach
    assert report.rows == expected


async def test_retention_archives_old_rows_and_the_chain_still_verifies():
    rows = await _some_rows()
    # Nothing is old enough yet.
    assert await audit_integrity.archive_expired() == 0
    assert await AuditLog.all().count() == len(rows)
    later = utcnow() + timedelta(days=3 * 365 + 1)
    moved = await audit_integrity.archive_expired(now=later, batch=4)
    assert moved == len(rows)
    archived = await AuditLogArchive.all().order_by("seq")
    assert [(a.id, a.seq, a.hash) for a in archived] == [(r.id, r.seq, r.hash) for r in rows]
    live = await AuditLog.all().order_by("seq")
    assert {r.action for r in live} == {audit.AUDIT_ARCHIVE}  # each batch left its own row
    head = await AuditChainHead.get(id=1)
    assert head.archived_seq == rows[-1].seq and head.archived_hash == rows[-1].hash
    await audit.record("test.after", actor_id=1, subject_type="member", subject_id=1)
    assert (await audit_integrity.verify()).ok
    # The archive is covered too: an edit there is named.
    await _sql(f"UPDATE audit_log_archive SET subject_id = '77' WHERE id = {rows[1].id}")
    report = await audit_integrity.verify()
    assert report.breach.table == "audit_log_archive" and report.breach.row_id == rows[1].id


@pytest.mark.parametrize("command", ["anchor", "verify"])
async def test_cli_on_an_intact_chain(command):
    await _some_rows()
    result = await run("audit", command)
    assert result.returncode == 0, result.stderr
    head = await AuditChainHead.get(id=1)
    assert head.hash in result.stdout


_BEFORE_AND_AFTER_0009 = """
import asyncio, hashlib, os, sys
from tortoise.migrations.api.migrate import migrate
from unionhub import db
from unionhub.db import tortoise_config

async def main():
    await migrate(config=tortoise_config(), app_labels=["identity"],
                  target="identity.0006_one_active_card_one_pending_review")
    await db.init_db()
    c = db.conn()
    # A readable phone: migrations before 0009 (0008 renames display names) decrypt it.
    from unionhub.identity.crypto import encrypt
    phone_enc = encrypt("13800000000", "phone", owner=None)  # unbound, as then
    await c.execute_script("INSERT INTO unions (id, name, level, path, region_code, auto_approve, "
        "is_holding_pool, created_at) VALUES (1, 'u', 'PROVINCE', '/1/', '610000', false, false, "
        "'2026-01-01 00:00:00+00:00')")
    await c.execute_script("INSERT INTO members (id, phone_enc, phone_bidx, password_hash, "
        "display_name, role, union_id, created_at, updated_at) VALUES (1, '" + phone_enc + "', '"
        + hashlib.sha256(b"a").hexdigest() + "', 'h', 'd', 'MEMBER', 1, "
        "'2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00')")
    for i in range(3):
        await c.execute_script("INSERT INTO audit_log (at, actor_id, action, subject_type, "
            f"subject_id, detail) VALUES ('2026-01-0{i + 1} 00:00:00.123456+00:00', {i}, 'old', "
            f"'member', '{i}', '{{}}')")
    await db.close_db()
    await migrate(config=tortoise_config())
    await db.init_db()
    from unionhub.identity import audit, audit_integrity
    from unionhub.identity.models import Member
    print((await Member.get(id=1)).phone_bidx)
    await audit.record("new", actor_id=1, subject_type="member", subject_id=1)
    report = await audit_integrity.verify()
    print(report.ok, report.rows)
    await db.close_db()

asyncio.run(main())
"""


async def test_migration_0009_chains_older_rows_and_names_older_indexes_v1(tmp_path):
    """A database from before issue 17 (SQLite, in a subprocess of its own): its audit rows
    are chained in id order and its blind indexes become key v1's."""
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path}/old.sqlite3"}
    env.pop("REDIS_URL", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _BEFORE_AND_AFTER_0009, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    async with asyncio.timeout(120):
        out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    index, verified = out.decode().split("\n")[:2]
    assert index == "v1:" + __import__("hashlib").sha256(b"a").hexdigest()[:61]
    assert verified == "True 4"
