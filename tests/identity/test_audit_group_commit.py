"""Group commit of the hot path's audit rows: concurrent unmasked ID-number reads share
multi-row INSERTs, yet every answered read has exactly its own row, and a failed INSERT fails
every read it held."""

from __future__ import annotations

import asyncio

import pytest
from opentelemetry.trace import SpanKind

from tests.factories import Factory
from unionhub import db
from unionhub.fastpath import switch
from unionhub.identity import audit
from unionhub.identity.models import AuditLog
from unionhub.settings import get_settings

BY_ID = "query M($id: ID!) { member(id: $id) { id idNumber } }"
ACTION = "member.id_number.read"


def _audit_inserts(spans) -> list:
    # On PostgreSQL a batch is one statement, "WITH head AS (UPDATE audit_chain_head ...)
    # INSERT INTO audit_log ...": the chain head moves with the rows (audit_chain).
    return [s for s in spans.get_finished_spans() if s.kind == SpanKind.CLIENT
            and "INSERT INTO audit_log" in str((s.attributes or {}).get("db.statement", ""))]


async def test_concurrent_reads_leave_one_row_each_in_fewer_inserts(gql, factory: Factory, spans):
    tree = await factory.tree()
    members = [await factory.account() for _ in range(6)]
    cadre = await factory.cadre(tree.province)
    spans.clear()

    # 24 reads at once: each member read four times, by concurrent requests.
    reads = [m for m in members for _ in range(4)]
    results = await asyncio.gather(*(gql(BY_ID, {"id": m.id}, token=cadre.token) for m in reads))

    for member, r in zip(reads, results, strict=True):
        assert r.errors == [] and r.data["member"]["idNumber"] == member.id_number
    rows = await AuditLog.filter(action=ACTION)
    assert len(rows) == len(reads)
    # Exactly one row per request, carrying that request's trace id.
    by_trace = {row.trace_id: row for row in rows}
    assert len(by_trace) == len(reads)
    for member, r in zip(reads, results, strict=True):
        row = by_trace[r.body["extensions"]["traceId"]]
        assert (row.subject_id, row.actor_id, row.subject_type) == (
            member.id, cadre.member.id, "member")
    inserts = _audit_inserts(spans)
    assert 1 <= len(inserts) < len(reads), "concurrent reads share INSERT statements"


async def test_a_batch_never_exceeds_the_row_limit(factory: Factory, spans):
    await factory.tree()
    spans.clear()
    n = audit.GROUP_MAX_ROWS * 2 + 5
    await asyncio.gather(*(audit.record_reads(ACTION, actor_id=1, subject_type="member",
                                              subject_ids=[i]) for i in range(n)))
    assert sorted(int(r.subject_id) for r in await AuditLog.filter(action=ACTION)) == list(range(n))
    inserts = _audit_inserts(spans)
    assert 3 <= len(inserts) < n
    # Each INSERT holds at most GROUP_MAX_ROWS rows: count the row tuples in its statement.
    for span in inserts:
        values = str(span.attributes["db.statement"]).split("VALUES", 1)[1]
        assert values.count("::timestamptz") + values.count("(?") <= audit.GROUP_MAX_ROWS


async def test_a_failed_insert_fails_every_read_in_its_batch(factory: Factory, spans):
    await factory.tree()

    async def read(subject_id: int) -> None:
        await audit.record_reads(ACTION, actor_id=1, subject_type="member",
                                 subject_ids=[subject_id])

    connection = db.conn()
    spans.clear()
    await connection.execute_script("ALTER TABLE audit_log RENAME TO audit_log_away")
    try:  # the table out of reach: the batch's one INSERT fails, and with it all three reads
        outcomes = await asyncio.gather(read(1), read(2), read(3), return_exceptions=True)
    finally:
        await connection.execute_script("ALTER TABLE audit_log_away RENAME TO audit_log")
    assert all(isinstance(o, Exception) for o in outcomes), outcomes
    assert len(_audit_inserts(spans)) == 1, "the three reads were one batch"
    assert await AuditLog.filter(action=ACTION).count() == 0
    # The next batch is unaffected.
    await read(4)
    assert [r.subject_id for r in await AuditLog.filter(action=ACTION)] == ["4"]


async def test_a_read_whose_audit_fails_is_not_answered(gql, factory: Factory):
    """Through the API: with the audit table out of reach, the INSERT fails, and the ID number
    does not leave (the field is an error); the other fields still answer."""
    tree = await factory.tree()
    member = await factory.account()
    cadre = await factory.cadre(tree.province)
    connection = db.conn()
    await connection.execute_script("ALTER TABLE audit_log RENAME TO audit_log_away")
    try:
        r = await gql(BY_ID, {"id": member.id}, token=cadre.token)
    finally:
        await connection.execute_script("ALTER TABLE audit_log_away RENAME TO audit_log")
    assert r.data["member"] == {"id": member.id, "idNumber": None}
    assert [e["path"] for e in r.errors] == [["member", "idNumber"]]
    assert member.id_number not in str(r.body)
    assert await AuditLog.filter(action=ACTION).count() == 0
    # Back in reach: the next read is answered and audited.
    r = await gql(BY_ID, {"id": member.id}, token=cadre.token)
    assert r.data["member"]["idNumber"] == member.id_number
    assert await AuditLog.filter(action=ACTION).count() == 1


async def test_record_many_still_writes_at_once(factory: Factory):
    await factory.tree()
    await audit.record_many("identity.test", actor_id=7, subject_type="member",
                            subject_ids=[1, 2, 2])
    rows = await AuditLog.filter(action="identity.test").order_by("id")
    assert [(r.subject_id, r.actor_id, r.detail) for r in rows] == [
        ("1", 7, {}), ("2", 7, {}), ("2", 7, {})]
    assert all(r.at is not None for r in rows)


async def test_on_postgresql_batches_in_a_row_share_one_held_connection(factory: Factory, spans):
    """The group commit keeps one pool connection between batches (no acquire and release per
    INSERT), gives it back at shutdown, and its INSERT spans carry the database attributes
    and the statement without values."""
    if not db.is_postgres():
        pytest.skip("PostgreSQL only: on SQLite every INSERT goes through Tortoise's connection")
    if get_settings().db_pgbouncer:
        pytest.skip("behind PgBouncer no connection is held (tests/test_pgbouncer.py)")
    if not switch.ON.audit:
        pytest.skip("the fast path's held connection is off (UNIONHUB_FAST_PATH)")
    await factory.tree()
    spans.clear()
    await audit.record_reads(ACTION, actor_id=1, subject_type="member", subject_ids=[1])
    held = audit._group().held
    first = held.connection
    assert first is not None
    await audit.record_reads(ACTION, actor_id=1, subject_type="member", subject_ids=[2])
    assert held.connection is first
    assert await AuditLog.filter(action=ACTION).count() == 2
    inserts = _audit_inserts(spans)
    assert [s.name for s in inserts] == ["INSERT audit_log", "INSERT audit_log"]
    attributes = inserts[0].attributes
    assert attributes["db.system"] == "postgresql" and attributes["db.name"]
    assert "$1" in attributes["db.statement"] and "member" not in attributes["db.statement"]
    await audit.release_held_connections()
    assert held.connection is None  # back in the pool
    await audit.record_reads(ACTION, actor_id=1, subject_type="member", subject_ids=[3])
    assert held.connection is not None
    assert await AuditLog.filter(action=ACTION).count() == 3


async def test_a_stalled_insert_fails_its_reads_instead_of_holding_them(factory: Factory,
                                                                        monkeypatch):
    """A read whose audit row cannot be written is refused after WRITE_TIMEOUT_SECONDS, not
    answered and not left waiting; once the table is free again, reads are written as before."""
    if not db.is_postgres():
        pytest.skip("PostgreSQL only: a lock held by another connection stalls the INSERT")
    import os

    import asyncpg

    await factory.tree()
    monkeypatch.setattr(audit, "WRITE_TIMEOUT_SECONDS", 0.5)
    table = AuditLog._meta.db_table
    blocker = await asyncpg.connect(os.environ["DATABASE_URL"])
    transaction = blocker.transaction()
    await transaction.start()
    await blocker.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
    try:
        with pytest.raises(audit.AuditWriteTimeout):  # (not wait_for's TimeoutError)
            await asyncio.wait_for(audit.record_reads(ACTION, actor_id=1, subject_type="member",
                                                      subject_ids=[1]), 5)
    finally:
        await transaction.rollback()
        await blocker.close()
    await audit.record_reads(ACTION, actor_id=1, subject_type="member", subject_ids=[2])
    # The refused read's row may still land (over a pool connection the statement was sent
    # and PostgreSQL may finish it once the lock goes): an audit row for a read that was not
    # answered errs on the audit's side. The read after it is written as before.
    assert "2" in [row.subject_id for row in await AuditLog.filter(action=ACTION)]


async def test_each_batch_records_its_size_and_wait(factory: Factory):
    """`unionhub.audit.batch.size` and `.wait` (hot histograms: fastpath/hot_metrics.py), with
    the SDK's bounds, one measurement per batch: three reads in one batch count one batch of
    three rows."""
    from tests.metrics_helpers import points

    def state() -> dict[str, tuple[int, float, tuple[float, ...]]]:
        found = {}
        for name in ("unionhub.audit.batch.size", "unionhub.audit.batch.wait"):
            [point] = points(name) or [None]
            found[name] = ((point.count, point.sum, tuple(point.explicit_bounds))
                           if point is not None else (0, 0.0, ()))
        return found

    await factory.tree()
    before = state()
    await asyncio.gather(*(audit.record_reads(ACTION, actor_id=1, subject_type="member",
                                              subject_ids=[i]) for i in range(3)))
    after = state()
    size, wait = after["unionhub.audit.batch.size"], after["unionhub.audit.batch.wait"]
    assert size[0] - before["unionhub.audit.batch.size"][0] == 1
    assert size[1] - before["unionhub.audit.batch.size"][1] == 3
    assert size[2] == (1, 2, 4, 8, 16, 32, 64)
    assert wait[0] - before["unionhub.audit.batch.wait"][0] == 1
    assert 0 < wait[1] - before["unionhub.audit.batch.wait"][1] < 10
    assert wait[2][:3] == (0.0005, 0.001, 0.0025) and wait[2][-1] == 10


async def test_one_write_timer_serves_batch_after_batch(factory: Factory):
    """The write timeout is one timer set for the earliest deadline, not a timer per batch:
    batches in a row leave the same timer, and no deadline behind them."""
    await factory.tree()
    group = audit._group()
    # The group lives as long as the event loop: an earlier test's timer, due within 10 s of
    # its last write, may still be set, and would fire between these batches (seen in CI's
    # PgBouncer slice). With no write pending it has nothing left to do.
    assert not group.deadlines
    if group.watchdog is not None:
        group.watchdog.cancel()
        group.watchdog = None
    await audit.record_reads(ACTION, actor_id=1, subject_type="member", subject_ids=[1])
    timer = group.watchdog
    assert timer is not None and not group.deadlines
    for i in range(2, 5):
        await audit.record_reads(ACTION, actor_id=1, subject_type="member", subject_ids=[i])
    assert group.watchdog is timer and not group.deadlines and not group.expired
    assert await AuditLog.filter(action=ACTION).count() == 4


async def test_a_stalled_insert_cancelled_at_shutdown_cancels_its_reads(factory: Factory,
                                                                       monkeypatch):
    """A batch cancelled from outside (shutdown) while its INSERT waits cancels its reads: it
    is not turned into a write timeout, even past the deadline."""
    if not db.is_postgres():
        pytest.skip("PostgreSQL only: a lock held by another connection stalls the INSERT")
    import os

    import asyncpg

    await factory.tree()
    monkeypatch.setattr(audit, "WRITE_TIMEOUT_SECONDS", 0.3)
    blocker = await asyncpg.connect(os.environ["DATABASE_URL"])
    transaction = blocker.transaction()
    await transaction.start()
    await blocker.execute(f'LOCK TABLE "{AuditLog._meta.db_table}" IN ACCESS EXCLUSIVE MODE')
    try:
        read = asyncio.ensure_future(audit.record_reads(ACTION, actor_id=1, subject_type="member",
                                                        subject_ids=[1]))
        group = audit._group()
        while not group.deadlines:  # noqa: ASYNC110 (the batch reaches its INSERT in its own task)
            await asyncio.sleep(0.01)
        [batch] = list(group.tasks)
        batch.cancel()  # as a shutdown would, before the deadline
        await asyncio.sleep(0.5)  # past the deadline: the watchdog fires meanwhile
        with pytest.raises(asyncio.CancelledError):
            await read
    finally:
        await transaction.rollback()
        await blocker.close()
    assert not group.deadlines and not group.expired
    await audit.record_reads(ACTION, actor_id=1, subject_type="member", subject_ids=[2])
    assert "2" in [row.subject_id for row in await AuditLog.filter(action=ACTION)]
