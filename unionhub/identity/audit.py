"""The append-only audit log: who read or changed what, when, under which trace.

Rows hold ids and codes only, never the personal data itself.

Every row is chained to the one before it (`audit_chain`: seq and hash, tamper-evident).
`record` / `record_many` write at once, in the caller's connection (and transaction, if any);
rows written inside a transaction are chained just after its commit (`audit_linker`).
`record_reads` is for the hot read path (unmasked personal data): concurrent requests' rows
are group-committed, several requests' rows in ONE multi-row INSERT, and each caller still
waits for the commit of the statement holding its rows. So no read is answered before its
audit row is durable, and an INSERT that fails fails every read in it.
"""

from __future__ import annotations

import asyncio
import contextvars
from datetime import datetime
from time import perf_counter
from typing import Any

from tortoise import timezone
from tortoise.queryset import QuerySet

from unionhub.fastpath.held_connection import HeldConnection
from unionhub.identity import audit_chain
from unionhub.identity.models import AuditLog
from unionhub.observability import metrics
from unionhub.observability.context import current_trace_id
from unionhub.settings import get_settings


class AuditWriteTimeout(Exception):
    """A batch's INSERT did not finish in time: its reads are refused, not answered unaudited."""


WRITE_TIMEOUT_SECONDS = 10.0  # a batch's INSERT: past this its reads fail (unanswered)
# A batch holds at most this many rows (a page of members joins whole, whatever its size).
GROUP_MAX_ROWS = 64


# Action names other modules write (and auditLog filters by). Reads of personal data:
NAME_READ = "member.name.read"
PHONE_READ = "member.phone.read"
ID_NUMBER_READ = "member.id_number.read"
# An order's delivery address read in clear by someone other than the buyer (mall.addresses):
# subject the buyer, detail {"order_id": ..., "field": "recipient" | "phone" | "detail"}.
ORDER_ADDRESS_READ = "mall.order.address.read"
# A service request's details or form values read in clear by someone other than the requester
# (services.personal): subject the requester, detail {"request_id": ..., "field": "details" |
# "field_values"}.
SERVICE_REQUEST_READ = "services.request.details.read"
VOUCHER_WITHDRAW = "mall.voucher.withdraw"  # leaving, closing, or a cancelled order's release
# Money. A person's acts: a refund asked for (the buyer or the mall's staff), an exception
# resolved (an OPERATOR). The system's, on a rail's verified fact (actor None, detail "by":
# the provider; mall/money_audit.py): money received for an order, money to give back (late,
# or the wrong amount), a refund completed (ours, or made at the provider) or ended failed,
# and an exception opened for a person.
ORDER_REFUND = "mall.order.refund"
PAYMENT_RECEIVED = "mall.payment.received"
PAYMENT_REFUND_DUE = "mall.payment.refund_due"
PAYMENT_REFUNDED = "mall.payment.refunded"
PAYMENT_REFUND_FAILED = "mall.payment.refund_failed"
PAYMENT_EXCEPTION_OPEN = "mall.payment_exception.open"
PAYMENT_EXCEPTION_RESOLVE = "mall.payment_exception.resolve"
# Union funds (mall.funds_allocation, mall.union_funds): a year's money passed down to a union,
# a bulk order approved from its budget, and the amount given back when that order is undone.
UNION_FUNDS_ALLOCATE = "mall.union_funds.allocate"
UNION_FUNDS_APPROVE = "mall.union_funds.approve"
UNION_FUNDS_RETURN = "mall.union_funds.return"
# The root union's allocation, money from outside the tree (mall.root_funds): proposed by one
# ADMIN, approved or rejected by another, or withdrawn by the proposer; subject the proposal.
ROOT_FUNDS_PROPOSE = "mall.root_funds.propose"
ROOT_FUNDS_APPROVE = "mall.root_funds.approve"
ROOT_FUNDS_REJECT = "mall.root_funds.reject"
ROOT_FUNDS_WITHDRAW = "mall.root_funds.withdraw"
MEMBER_SEARCH = "member.search"  # detail: {"by": "phone" | "id_number" | "card" | "name"}
PERSONAL_DATA_EXPORT = "identity.personal_data.export"
JOIN_REVIEW = "identity.join.review"
TRANSFER_REVIEW = "identity.transfer.review"
JOIN_ESCALATE = "identity.join.escalate"  # by the periodic job (no actor): past its due date
UNION_AUTO_APPROVE = "identity.union.auto_approve"  # detail: {"enabled": bool}
ROLE_CHANGE = "identity.role.change"
# A name and ID number the authority confirmed, bound to another account: detail
# {"holder_member_id": ...}; left out of the member's own export (identity.memberdata).
IDENTITY_CONFLICT = "identity.verification.conflict"
# Security events written by other modules (sign-in and sessions, the card lifecycle, account
# closure): one name each, so auditLog's action filter finds them.
SIGN_IN = "auth.login.succeeded"
SIGN_IN_FAILURES = "auth.login.failed"  # aggregated per phone and window
SESSIONS_REVOKED = "auth.sessions.revoked"
CARD_FREEZE = "identity.card.freeze"  # the card lifecycle: detail {"member_id", "from", "to"}
CARD_UNFREEZE = "identity.card.unfreeze"
CARD_CANCEL = "identity.card.cancel"
CARD_REISSUE = "identity.card.reissue"  # detail {"member_id", "replaces"}
ACCOUNT_CLOSED = "identity.account.close"
KEY_ROTATION_START = "keys.rotation.start"
KEY_ROTATION_FINISH = "keys.rotation.finish"
AUDIT_ARCHIVE = "audit.archive"


async def record(action: str, *, actor_id: int | None, subject_type: str, subject_id: str | int,
                 detail: dict[str, Any] | None = None, union_id: int | None = None) -> None:
    """One row, in the caller's transaction if there is one: inserted unlinked there, and
    chained after the commit (identity/audit_linker.py); without one, chained at once."""
    await audit_chain.append_in_transaction([(
        timezone.localtime(), actor_id, action, subject_type, str(subject_id),
        current_trace_id(), detail or {}, union_id)])


def entries(*, action: str | None = None, actor_id: int | None = None,
            subject_type: str | None = None, subject_id: str | None = None,
            union_id: int | None = None, since: datetime | None = None,
            until: datetime | None = None) -> QuerySet[AuditLog]:
    """The rows matching every filter given (ADMIN's `auditLog`), for a keyset page."""
    qs = AuditLog.all()
    if action:
        qs = qs.filter(action=action)
    if actor_id is not None:
        qs = qs.filter(actor_id=actor_id)
    if subject_type:
        qs = qs.filter(subject_type=subject_type)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    if union_id is not None:
        qs = qs.filter(union_id=union_id)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    return qs


async def record_many(action: str, *, actor_id: int | None, subject_type: str,
                      subject_ids: list[str | int], trace_id: str | None = None,
                      union_id: int | None = None) -> None:
    """One action by one actor on many subjects, in one INSERT. One row per subject id,
    repeats included; written at once in the caller's connection (and transaction)."""
    if subject_ids:
        at, trace_id = timezone.localtime(), trace_id or current_trace_id()
        await audit_chain.append_in_transaction(
            [(at, actor_id, action, subject_type, str(subject_id), trace_id, {}, union_id)
             for subject_id in subject_ids])


async def record_reads(action: str, *, actor_id: int | None, subject_type: str,
                       subject_ids: list[str | int], trace_id: str | None = None,
                       union_id: int | None = None,
                       detail: dict[str, Any] | None = None) -> None:
    """Like `record_many`, group-committed with other requests' reads (see the module doc).
    Returns once the INSERT holding these rows has committed; raises if it failed. Not for
    use inside a transaction: the batch is written on its own connection."""
    if subject_ids:
        trace_id = trace_id or current_trace_id()
        at = timezone.localtime()  # what `auto_now_add` would have stamped
        detail = detail or {}
        await _group().write([(at, actor_id, action, subject_type, str(subject_id), trace_id,
                               detail, union_id) for subject_id in subject_ids])


# --- one chained multi-row INSERT -------------------------------------------------------------

# A read's row as the hot path builds it: no model instance (its constructor and per-field
# conversions cost more than the INSERT's share).
ReadRow = audit_chain.Entry


async def _insert_reads(rows: list[ReadRow], held: HeldConnection | None = None) -> None:
    """The batch, chained (`audit_chain.append_batch`): on PostgreSQL over the group commit's
    held connection when it is free. Behind PgBouncer (UNIONHUB_DB_PGBOUNCER) each batch takes
    a pool connection instead: the held one keeps no session state (each INSERT is its own
    transaction), so this is caution, at the cost of an acquire and release per batch."""
    db = AuditLog._meta.db
    if held is not None and held.available_for(db) and not get_settings().db_pgbouncer:
        await audit_chain.append_batch(rows, lambda sql, values: held.execute(db, sql, values),
                                       db)
    else:
        await audit_chain.append_batch(rows, db=db)


async def release_held_connections() -> None:
    """Gives the group commits' held connections back to the pool: before the pool closes
    (shutdown, tests), which would otherwise wait for them."""
    for group in list(_groups.values()):
        if not group.held.busy and group.loop is asyncio.get_running_loop():
            await group.held.release()


# --- group commit ---------------------------------------------------------------------------

class _GroupCommit:
    """Batches rows from concurrent callers. While no batch is in flight, rows added in the
    same event-loop turn go out together at once (no added latency when idle); while one is in
    flight, rows queue and go out in one INSERT when it ends (so batches grow with load), or
    at once when the queue reaches GROUP_MAX_ROWS."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.rows: list[ReadRow] = []
        self.waiters: list[asyncio.Future[None]] = []
        self.context: contextvars.Context | None = None  # the batch's first caller's (trace)
        self.first_queued = 0.0  # perf_counter() when the batch's first row queued
        self.scheduled = False
        self.in_flight = 0
        self.tasks: set[asyncio.Task[None]] = set()
        self.held = HeldConnection(loop)
        # The write timeout: each batch's deadline, and one timer for the earliest (not one
        # timer set and cancelled per batch: a batch's asyncio.timeout cost about 2% of the hot
        # lookup's server CPU)
        self.deadlines: dict[asyncio.Task[Any], float] = {}
        self.expired: set[asyncio.Task[Any]] = set()
        self.watchdog: asyncio.TimerHandle | None = None

    async def write(self, rows: list[ReadRow]) -> None:
        waiter: asyncio.Future[None] = self.loop.create_future()
        if not self.waiters:
            self.context = contextvars.copy_context()
            self.first_queued = perf_counter()
        self.rows.extend(rows)
        self.waiters.append(waiter)
        if len(self.rows) >= GROUP_MAX_ROWS:
            self._flush()
        elif not self.scheduled and not self.in_flight:
            self.scheduled = True
            self.loop.call_soon(self._flush)
        await waiter

    def _flush(self) -> None:
        self.scheduled = False
        if not self.waiters:
            return
        rows, waiters, context = self.rows, self.waiters, self.context
        self.rows, self.waiters, self.context = [], [], None
        self.in_flight += 1
        # Run in the first caller's context: the INSERT's span joins that request's trace.
        task = self.loop.create_task(self._commit(rows, waiters, self.first_queued),
                                     context=context)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _write(self, rows: list[ReadRow]) -> None:
        # A stalled INSERT (a lock, a database that stopped answering) fails its reads after a
        # while rather than holding them, and every read queued behind it, for ever.
        task = asyncio.current_task()
        assert task is not None
        deadline = self.loop.time() + WRITE_TIMEOUT_SECONDS
        self.deadlines[task] = deadline
        if self.watchdog is None or deadline < self.watchdog.when():
            self._arm(deadline)
        try:
            await _insert_reads(rows, self.held)
        except asyncio.CancelledError:
            # Cancelled by the watchdog, and by nothing else (not a shutdown): a timeout.
            if task in self.expired and task.uncancel() == 0:
                raise AuditWriteTimeout(
                    f"audit rows not written within {WRITE_TIMEOUT_SECONDS} s") from None
            raise
        finally:
            del self.deadlines[task]
            self.expired.discard(task)

    def _arm(self, when: float) -> None:
        if self.watchdog is not None:
            self.watchdog.cancel()
        self.watchdog = self.loop.call_at(when, self._watch)

    def _watch(self) -> None:
        """Cancels the batches past their deadline; set again for the next deadline."""
        self.watchdog = None
        now = self.loop.time() + 0.001  # (a timer may fire within the clock's resolution)
        waiting = []
        for task, deadline in list(self.deadlines.items()):
            if task in self.expired:
                continue
            if deadline <= now:
                self.expired.add(task)
                task.cancel()
            else:
                waiting.append(deadline)
        if waiting:
            self._arm(min(waiting))

    async def _commit(self, rows: list[ReadRow], waiters: list[asyncio.Future[None]],
                      first_queued: float) -> None:
        try:
            await self._write(rows)
            metrics.AUDIT_BATCH_SIZE.record(len(rows), ())
            metrics.AUDIT_BATCH_WAIT.record(perf_counter() - first_queued, ())
        except Exception as exc:  # every read in the batch fails with it
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_exception(exc)
        except BaseException:  # cancelled (shutdown): so are its reads
            for waiter in waiters:
                waiter.cancel()
            raise
        else:
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)
        finally:
            self.in_flight -= 1
            if self.waiters and not self.in_flight:
                self._flush()  # what queued meanwhile goes out now


_groups: dict[asyncio.AbstractEventLoop, _GroupCommit] = {}


def _group() -> _GroupCommit:
    return audit_chain.for_this_loop(_groups, _GroupCommit)
