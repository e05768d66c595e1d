"""Checking and keeping the audit chain: `verify` (every row's hash from the first archived row
to the head; rows committed but not linked yet are counted apart, an alarm past
UNIONHUB_AUDIT_UNLINKED_ALARM_SECONDS, not a break: identity/audit_linker.py), `anchor` (the
head, to be kept outside the database) and `archive_expired`
(retention: rows past UNIONHUB_AUDIT_RETENTION_DAYS move to audit_log_archive, whole and in
chain order, in one transaction with the head's record of where the live table now starts;
nothing is deleted without its copy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.identity import audit_chain, audit_linker
from unionhub.identity.models import AuditChainHead, AuditLog, AuditLogArchive
from unionhub.settings import get_settings

PAGE = 5000


@dataclass(frozen=True)
class Breach:
    table: str
    row_id: int | None
    seq: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.table} row id={self.row_id} seq={self.seq}" if self.row_id else self.table
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    rows: int
    head_seq: int
    head_hash: str
    breach: Breach | None
    # Committed rows awaiting the linker (seq NULL), outside the walk above.
    unlinked: audit_linker.Unlinked = field(default_factory=audit_linker.Unlinked.none)

    @property
    def ok(self) -> bool:
        return self.breach is None


def _content(row: AuditLog | AuditLogArchive) -> bytes:
    return audit_chain.canonical(row.seq, row.at, row.actor_id, row.action, row.subject_type,
                                 row.subject_id, row.trace_id, row.detail or {}, row.union_id)


async def verify(anchor: str | None = None) -> ChainReport:
    """Walk the chain in seq order, archive first: the first row whose hash does not follow
    from the one before it (an edit), a gap in seq (a deletion) or a head that is not the last
    row names the breach.
    `anchor` ("<seq>:<hash>", from `unionhub audit anchor`) must still be in the chain.
    Unlinked rows (seq NULL: written in a transaction, awaiting the linker) are not in the
    walk; the report counts them, and those unlinked past the alarm threshold."""
    unlinked = await audit_linker.measure()
    # One snapshot for the head and the rows: links committed meanwhile (every request's,
    # now) would otherwise show as rows past the head.
    async with in_transaction(audit_chain.connection_name()) as conn:
        if conn.capabilities.dialect == "postgres":
            await conn.execute_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        report = await _walk(anchor)
    return ChainReport(report.rows, report.head_seq, report.head_hash, report.breach, unlinked)


async def _walk(anchor: str | None) -> ChainReport:
    head = await AuditChainHead.get_or_none(id=1)
    previous, expected, checked = "", 1, 0
    anchor_seq, _, anchor_hash = (anchor or "").partition(":")
    anchor_found = False
    for model in (AuditLogArchive, AuditLog):
        table = model._meta.db_table
        while True:
            rows = await model.filter(seq__gte=expected).order_by("seq").limit(PAGE)
            if not rows:
                break
            for row in rows:
                if row.seq != expected:
                    return ChainReport(checked, expected - 1, previous, Breach(
                        table, row.id, row.seq, f"rows {expected}..{row.seq - 1} are missing"))
                algorithm = (row.hash or "").partition(":")[0]
                if algorithm not in ("sha256", "sm3") or audit_chain.link_hash(
                        previous, _content(row), algorithm) != row.hash:
                    return ChainReport(checked, expected - 1, previous, Breach(
                        table, row.id, row.seq, "hash does not match the row and the one before"))
                if anchor and str(row.seq) == anchor_seq:
                    anchor_found = row.hash == anchor_hash
                previous, expected, checked = row.hash, expected + 1, checked + 1
        if model is AuditLogArchive and head is not None and head.archived_seq != expected - 1:
            return ChainReport(checked, expected - 1, previous, Breach(
                table, None, None, f"archive ends at seq {expected - 1}, the head says "
                                   f"{head.archived_seq}"))
    last = expected - 1
    if head is None:
        if last:
            return ChainReport(checked, last, previous,
                               Breach("audit_chain_head", None, None, "the head row is missing"))
    elif (head.seq, head.hash) != (last, previous):
        return ChainReport(checked, last, previous, Breach(
            "audit_chain_head", None, None,
            f"head is seq {head.seq}, the last row is seq {last} (rows removed from the end?)"))
    if anchor and not anchor_found:
        return ChainReport(checked, last, previous, Breach(
            "audit_log", None, int(anchor_seq) if anchor_seq.isdigit() else None,
            "the anchored row is no longer in the chain with that hash"))
    return ChainReport(checked, last, previous, None)


async def anchor() -> str:
    """"<seq>:<hash>" of the head: print it and keep it outside the database. Rows committed
    and not linked yet are linked first, so the anchor covers them."""
    await audit_linker.link_pending()
    head = await AuditChainHead.get_or_none(id=1)
    return f"{head.seq}:{head.hash}" if head is not None else "0:"


async def archive_expired(now: datetime | None = None, batch: int = 1000) -> int:
    """Move rows older than the retention to audit_log_archive, oldest first, a batch per
    transaction under the chain head's lock. Stops at the first row still within retention
    (seq order), so the live table always holds a contiguous tail of the chain. Returns how
    many rows moved; each batch leaves an `audit.archive` row in the chain."""
    from unionhub.identity import audit

    cutoff = (now or utcnow()) - timedelta(days=get_settings().audit_retention_days)
    head = await AuditChainHead.get_or_none(id=1)
    through = head.seq if head is not None else 0  # not the rows this run appends itself
    moved = 0
    while True:
        async with in_transaction(audit_chain.connection_name()) as conn:
            await audit_chain.lock_head(conn)
            rows = await AuditLog.filter(seq__isnull=False, seq__lte=through).order_by("seq") \
                .limit(batch).using_db(conn)
            expired = []
            for row in rows:
                if row.at >= cutoff:
                    break
                expired.append(row)
            if not expired:
                break
            await AuditLogArchive.bulk_create([AuditLogArchive(
                id=r.id, at=r.at, actor_id=r.actor_id, action=r.action,
                subject_type=r.subject_type, subject_id=r.subject_id, trace_id=r.trace_id,
                detail=r.detail, union_id=r.union_id, seq=r.seq, hash=r.hash)
                for r in expired], using_db=conn)
            last = expired[-1]
            if conn.capabilities.dialect == "postgres":  # the append-only trigger's one door
                await conn.execute_query("SET LOCAL unionhub.audit_archiving = 'on'")
            await AuditLog.filter(seq__lte=last.seq).using_db(conn).delete()
            await AuditChainHead.filter(id=1).using_db(conn).update(
                archived_seq=last.seq, archived_hash=last.hash)
            await audit.record(audit.AUDIT_ARCHIVE, actor_id=None, subject_type="audit_log",
                               subject_id=last.seq, detail={"rows": len(expired),
                                                            "through_seq": last.seq})
            moved += len(expired)
        if len(expired) < batch:
            break
    return moved
