"""Audit rows written inside a transaction are inserted unlinked and chained after its commit
(identity/audit_linker.py): concurrent committing and rolling-back transactions leave one
contiguous chain holding exactly the committed rows; record-then-lock against lock-then-record
no longer deadlocks; a row a crash left unlinked is linked by the sweep; one unlinked too long
is the alarm."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta

import pytest
from tortoise.exceptions import OperationalError
from tortoise.transactions import in_transaction

from tests.processes import ROOT
from unionhub import cli_security, db, jobs
from unionhub.clock import utcnow
from unionhub.identity import audit, audit_integrity, audit_linker
from unionhub.identity.models import AuditChainHead, AuditLog


def postgres_only() -> None:
    if not db.is_postgres():
        pytest.skip("PostgreSQL only: concurrent connections (SQLite has one)")


@pytest.fixture
async def probe():
    """A business table of the test's own: a row to change beside the audit rows."""
    await db.conn().execute_script(
        "CREATE TABLE IF NOT EXISTS linking_probe (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
    await db.conn().execute_script("DELETE FROM linking_probe")
    await db.conn().execute_script("INSERT INTO linking_probe (id, n) VALUES (1, 0), (2, 0)")
    yield
    await db.conn().execute_script("DROP TABLE linking_probe")


async def _linked_soon(seconds: float = 5.0) -> None:
    """The linker task's work, awaited: no unlinked row left within `seconds`."""
    async with asyncio.timeout(seconds):
        while await AuditLog.filter(seq__isnull=True).exists():  # noqa: ASYNC110 (a poll of the database)
            await asyncio.sleep(0.01)


class Rollback(Exception):
    pass


async def test_concurrent_transactions_some_rolled_back_leave_one_contiguous_chain(probe):
    postgres_only()

    async def business(i: int) -> None:
        async with in_transaction() as conn:
            await conn.execute_query(f"INSERT INTO linking_probe (id, n) VALUES ({100 + i}, {i})")
            await audit.record(f"test.tx.{i}", actor_id=i, subject_type="probe", subject_id=i)
            await conn.execute_query(f"UPDATE linking_probe SET n = n + 1 WHERE id = {1 + i % 2}")
            await audit.record_many(f"test.tx.{i}", actor_id=i, subject_type="probe",
                                    subject_ids=[i, i])
            await asyncio.sleep(0.001 * (i % 7))  # commits in another order than the inserts
            if i % 4 == 3:
                raise Rollback

    async def reads(i: int) -> None:  # the group commit's path, into the same chain
        await audit.record_reads("test.read", actor_id=i, subject_type="probe", subject_ids=[i])

    async def outside(i: int) -> None:  # no transaction: linked at once
        await audit.record("test.outside", actor_id=i, subject_type="probe", subject_id=i)

    n = 60
    results = await asyncio.gather(*(business(i) for i in range(n)),
                                    *(reads(i) for i in range(n)),
                                    *(outside(i) for i in range(20)), return_exceptions=True)
    assert all(isinstance(r, Rollback) for r in results if r is not None), results
    committed = [i for i in range(n) if i % 4 != 3]
    await _linked_soon()  # the linker task, not settle(): it links after each commit

    rows = await AuditLog.all().order_by("seq")
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    tx_actions = sorted(r.action for r in rows if r.action.startswith("test.tx."))
    assert tx_actions == sorted(f"test.tx.{i}" for i in committed for _ in range(3))
    assert len(rows) == len(committed) * 3 + n + 20
    probes = await db.conn().execute_query_dict("SELECT count(*) AS c FROM linking_probe")
    assert probes[0]["c"] == 2 + len(committed)  # the business rows went the same way
    report = await audit_integrity.verify()
    assert report.ok, report.breach
    assert report.rows == len(rows) and report.unlinked.rows == 0
    head = await AuditChainHead.get(id=1)
    assert head.seq == len(rows)
    # Linked once: a linked row's seq cannot be set again (nor any other column).
    with pytest.raises(OperationalError, match="append-only"):
        await db.conn().execute_script(f"UPDATE audit_log SET seq = 999 WHERE id = {rows[0].id}")


async def test_record_then_lock_against_lock_then_record_does_not_deadlock(probe):
    """A: record, then lock row 1; B: lock row 1, then record. With the head locked by
    `record` until the commit, A waited on B's row lock and B on the head: a deadlock."""
    postgres_only()
    a_recorded, b_locked = asyncio.Event(), asyncio.Event()

    async def a() -> None:
        async with in_transaction() as conn:
            await audit.record("test.a", actor_id=1, subject_type="probe", subject_id=1)
            a_recorded.set()
            await b_locked.wait()
            await conn.execute_query("SELECT n FROM linking_probe WHERE id = 1 FOR UPDATE")
            await conn.execute_query("UPDATE linking_probe SET n = n + 1 WHERE id = 1")

    async def b() -> None:
        async with in_transaction() as conn:
            await a_recorded.wait()
            await conn.execute_query("SELECT n FROM linking_probe WHERE id = 1 FOR UPDATE")
            b_locked.set()
            await asyncio.sleep(0.05)  # A is now waiting on row 1
            await audit.record("test.b", actor_id=2, subject_type="probe", subject_id=1)
            await conn.execute_query("UPDATE linking_probe SET n = n + 10 WHERE id = 1")

    async with asyncio.timeout(10):
        await asyncio.gather(a(), b())
    await _linked_soon()
    assert sorted(await AuditLog.all().values_list("action", flat=True)) == ["test.a", "test.b"]
    found = await db.conn().execute_query_dict("SELECT n FROM linking_probe WHERE id = 1")
    assert found[0]["n"] == 11
    assert (await audit_integrity.verify()).ok


_CRASH = """
import asyncio, os
from tortoise.transactions import in_transaction
from unionhub import db
from unionhub.identity import audit

async def main():
    await db.init_db()
    async with in_transaction():
        await audit.record("test.crashed", actor_id=1, subject_type="probe", subject_id=1)
    os._exit(0)  # committed; gone before its linker task ran

asyncio.run(main())
"""


async def test_a_row_left_unlinked_by_a_crash_is_linked_by_the_sweep():
    postgres_only()  # (another process on the same database)
    await audit.record("test.before", actor_id=1, subject_type="probe", subject_id=1)
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", _CRASH, cwd=ROOT,
                                                   env=dict(os.environ))
    async with asyncio.timeout(60):
        assert await process.wait() == 0
    left = await AuditLog.get(action="test.crashed")
    assert left.seq is None and left.hash is None
    report = await audit_integrity.verify()
    assert report.ok and report.unlinked.rows == 1 and not report.unlinked.alarm

    assert "identity.link_audit" in {job.name for job in jobs.periodic_jobs()}
    state = await audit_linker.sweep()
    assert state.rows == 1 and not state.alarm
    left = await AuditLog.get(action="test.crashed")
    assert left.seq == 2 and left.hash
    report = await audit_integrity.verify()
    assert report.ok and report.rows == 2 and report.unlinked.rows == 0
    assert await audit_linker.sweep() == audit_linker.Unlinked.none()  # nothing left


async def test_a_row_unlinked_too_long_is_the_alarm_not_a_break(capsys):
    await audit.record("test.linked", actor_id=1, subject_type="probe", subject_id=1)
    fresh = (utcnow() - timedelta(seconds=5)).isoformat(sep=" ")
    await db.conn().execute_script(
        "INSERT INTO audit_log (at, actor_id, action, subject_type, subject_id, detail) "
        f"VALUES ('{fresh}', 2, 'test.fresh', 'probe', '2', '{{}}')")
    await cli_security._audit("verify", None)  # awaiting the linker: said, no alarm
    assert "1 committed rows awaiting the linker" in capsys.readouterr().out

    old = (utcnow() - timedelta(seconds=301)).isoformat(sep=" ")  # the default threshold: 300
    await db.conn().execute_script(
        "INSERT INTO audit_log (at, actor_id, action, subject_type, subject_id, detail) "
        f"VALUES ('{old}', 3, 'test.stuck', 'probe', '3', '{{}}')")
    report = await audit_integrity.verify()
    assert report.ok  # the chain itself is intact
    assert (report.unlinked.rows, report.unlinked.stale) == (2, 1) and report.unlinked.alarm
    assert report.unlinked.oldest_age is not None and report.unlinked.oldest_age > 300
    with pytest.raises(SystemExit) as exit_:
        await cli_security._audit("verify", None)
    assert exit_.value.code == 2 and "ALARM: 1 rows unlinked" in capsys.readouterr().out

    # The sweep raises it, then links them (late), and the chain verifies with them.
    state = await audit_linker.sweep()
    assert state.alarm and state.stale == 1
    assert not await AuditLog.filter(seq__isnull=True).exists()
    report = await audit_integrity.verify()
    assert report.ok and report.rows == 3 and not report.unlinked.alarm


async def test_in_a_transaction_rows_wait_for_the_commit_and_rolled_back_ones_never_link():
    async with in_transaction():
        await audit.record("test.kept", actor_id=1, subject_type="probe", subject_id=1)
        assert await AuditLog.filter(action="test.kept", seq__isnull=True).exists()
        head = await AuditChainHead.get_or_none(id=1)
        assert head is None or head.seq == 0  # the head untouched inside
    with pytest.raises(Rollback):
        async with in_transaction():
            await audit.record("test.gone", actor_id=1, subject_type="probe", subject_id=1)
            raise Rollback
    await _linked_soon()
    rows = await AuditLog.all()
    assert [(r.action, r.seq) for r in rows] == [("test.kept", 1)]
    assert (await audit_integrity.verify()).ok


async def test_audit_log_readers_show_unlinked_rows_then_their_place(gql, factory):
    admin = await factory.admin()
    now = utcnow().isoformat(sep=" ")
    await db.conn().execute_script(
        "INSERT INTO audit_log (at, actor_id, action, subject_type, subject_id, detail) "
        f"VALUES ('{now}', 2, 'test.waiting', 'probe', '2', '{{}}')")
    query = ('{ auditLog(action: "test.waiting") { edges { node { action seq hash } } } }')
    r = await gql(query, token=admin.token)
    assert r.errors == [] and [e["node"] for e in r.data["auditLog"]["edges"]] == [
        {"action": "test.waiting", "seq": None, "hash": None}]
    await audit_linker.sweep()
    r = await gql(query, token=admin.token)
    (node,) = [e["node"] for e in r.data["auditLog"]["edges"]]
    assert node["seq"] is not None and node["hash"]


async def test_a_request_links_its_transactions_rows_before_it_returns(gql, factory):
    """Linked after the response, by the request itself (not a task that would run into the
    next request): once the HTTP call has returned, nothing waits."""
    from tests.activities.helpers import create

    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    made = await create(gql, cadre, tree.counties["A"], "EVENT")
    row = await AuditLog.get(action="activity.create", subject_id=made["id"])
    assert row.seq is not None and row.hash
    assert not await AuditLog.filter(seq__isnull=True).exists()
    assert (await audit_integrity.verify()).ok
    linker = audit_linker._linkers.get(asyncio.get_running_loop())
    assert linker is None or linker.task is None  # (no background task was needed)
