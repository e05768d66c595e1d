"""Revoked sessions, known to every process within seconds, at the cost of a set lookup.

An access token carries its session id (`sid`, the refresh-token family). Revoking a session
marks its refresh tokens in the database (the record that survives a Redis flush), then
appends the id to a Redis stream, after the caller's transaction commits
(`publish_after_commit`). Each process keeps the ids revoked in the last access-token
lifetime in a local set, and catches up with the stream (XRANGE after the last entry it read;
entry ids come from the Redis server's clock, so no process's clock can make it skip one):

- in the background once its copy is `REFRESH_AFTER_SECONDS` old (steady traffic never waits);
- awaited by the request itself once it is `MAX_AGE_SECONDS` old (an idle process's first
  request), so a token is never checked against a copy older than that: a revocation reaches
  every process within `MAX_AGE_SECONDS` plus one read.

When Redis cannot be read, and without Redis at all (the embedded mode, where the CLI and the
server are separate processes with separate in-process fakeredis), the copy is read from the
database instead: the families revoked within the last access-token lifetime (an indexed range
on `refresh_tokens.revoked_at`). In the Redis mode the database is also read every
`DATABASE_RECONCILE_SECONDS`, which catches a revocation whose stream append failed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta
from typing import Any, cast

from opentelemetry.instrumentation.utils import suppress_instrumentation
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient

from unionhub.cache import get_redis, safe, shared_connection
from unionhub.clock import utcnow
from unionhub.identity.models import RefreshToken
from unionhub.identity.transaction_end import ended, outermost
from unionhub.settings import get_settings

log = logging.getLogger(__name__)

STREAM = "auth:revoked:v1"
REFRESH_AFTER_SECONDS = 1.0
MAX_AGE_SECONDS = 4.0
DATABASE_RECONCILE_SECONDS = 60.0
_MARGIN_SECONDS = 60  # clock skew between processes, and tokens minted during a revocation
# A revocation inside a caller's transaction is published once it ends: looked at after 1 ms,
# then ever less often up to every 50 ms; one open longer than an hour is published anyway.
_WATCH_SECONDS = (0.001, 0.05)
_GIVE_UP_SECONDS = 3600.0


def _keep_seconds() -> int:
    """How long a revocation matters: the longest an access token issued before it lives."""
    return get_settings().access_token_ttl_seconds + _MARGIN_SECONDS


class RevokedSessions:
    """This process's copy of the recently revoked session ids."""

    def __init__(self, redis: Any = None) -> None:
        self._redis = redis  # None: the application's client (tests give an unreachable one)
        self.revoked: dict[str, float] = {}  # session id -> when it was revoked (epoch seconds)
        self.fresh_at = float("-inf")  # monotonic time the last complete read started
        self._last_entry = "0-0"
        self._reconciled_at = float("-inf")
        self._pending: tuple[asyncio.AbstractEventLoop, asyncio.Task[None]] | None = None

    # --- the hot path: no I/O, no allocation -------------------------------------------------
    def must_catch_up(self) -> bool:
        """Called per authenticated request. Starts a background read when the copy is a second
        old; says the request must await `catch_up()` when it is too old to trust."""
        age = time.monotonic() - self.fresh_at
        if age < REFRESH_AFTER_SECONDS:
            return False
        if age < MAX_AGE_SECONDS:
            self._start_refresh()
            return False
        return True

    async def catch_up(self) -> None:
        await asyncio.shield(self._start_refresh())

    # --- the refresh ---------------------------------------------------------------------------
    def _start_refresh(self) -> asyncio.Task[None]:
        # One read at a time per process and loop (tests run several loops in one process).
        loop = asyncio.get_running_loop()
        if self._pending is not None:
            pending_loop, task = self._pending
            if pending_loop is loop and not task.done():
                return task
        task = loop.create_task(self.refresh())
        self._pending = (loop, task)
        return task

    async def refresh(self) -> None:
        started = time.monotonic()
        use_redis = get_settings().redis_url is not None or self._redis is not None
        read = False
        if use_redis:
            read = await self._read_stream()
        if not read or started - self._reconciled_at >= DATABASE_RECONCILE_SECONDS:
            try:
                await self._read_database()
                self._reconciled_at = started
                read = True
            except Exception:
                log.warning("revoked sessions: neither Redis nor the database answered")
        if read:
            self._forget_old()
            self.fresh_at = started

    async def _read_stream(self) -> bool:
        start = f"({self._last_entry}" if self._last_entry != "0-0" else "-"
        try:
            if self._redis is not None:
                entries = await self._redis.execute_command("XRANGE", STREAM, start, "+")
            else:
                # The shared connection: no span and no pool checkout for a read that runs
                # every second whatever the traffic (and may run inside a request).
                entries = await shared_connection().execute("XRANGE", STREAM, start, "+")
        except Exception:
            log.warning("revoked sessions: Redis unreachable, reading the database")
            self._reconciled_at = float("-inf")  # read the database until Redis is back
            return False
        for entry_id, fields in entries or ():
            if not isinstance(fields, dict):  # a raw reply: [field, value, field, value]
                fields = dict(zip(fields[::2], fields[1::2], strict=True))
            sid, at = _field(fields, "sid"), _field(fields, "at")
            if sid:
                self.revoked[sid] = float(at or time.time())
            self._last_entry = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
        return True

    async def _read_database(self) -> None:
        since = utcnow() - timedelta(seconds=_keep_seconds())
        # Not traced: it is this process's upkeep, not the request that may be waiting on it.
        with suppress_instrumentation():
            rows = await RefreshToken.filter(revoked_at__gte=since).distinct().values_list(
                "family", "revoked_at")
        for family, revoked_at in rows:
            self.revoked.setdefault(family, revoked_at.timestamp())

    def _forget_old(self) -> None:
        horizon = time.time() - _keep_seconds()
        for sid in [s for s, at in self.revoked.items() if at < horizon]:
            del self.revoked[sid]

    def add(self, session_ids: list[str]) -> float:
        now = time.time()
        for sid in session_ids:
            self.revoked[sid] = now
        return now

    def take_back(self, session_ids: set[str], added_at: float) -> None:
        """Forget ids this process added at `added_at` for a revocation that was rolled back;
        one added again since (a revocation of the same session that committed) stays."""
        for sid in session_ids:
            if self.revoked.get(sid) == added_at:
                del self.revoked[sid]


def _field(fields: dict[Any, Any], name: str) -> str | None:
    value = fields.get(name, fields.get(name.encode()))
    return value.decode() if isinstance(value, bytes) else value


REVOKED = RevokedSessions()


async def publish(session_ids: list[str]) -> None:
    """After the database marked them revoked: this process refuses them at once, the others
    within `MAX_AGE_SECONDS` (through the stream, or the database when it is down)."""
    if not session_ids:
        return
    REVOKED.add(session_ids)
    now = time.time()
    trim_before = f"{int((now - _keep_seconds()) * 1000)}-0"
    pipe = get_redis().pipeline(transaction=False)
    for sid in session_ids:
        pipe.xadd(STREAM, {"sid": sid, "at": f"{now:.3f}"}, minid=trim_before, approximate=True)
    if await safe(pipe.execute(), None) is None:
        log.warning("revoked sessions: not published to Redis; other processes see the "
                    "revocation at their next database reconcile")


_watching: set[asyncio.Task[None]] = set()  # (a reference, so a watch is not collected)


async def publish_after_commit(session_ids: list[str]) -> None:
    """`publish`, once the caller's transaction (if any) has committed: a revocation rolled
    back with the change that made it (a role change that failed after it) must not sign the
    member out everywhere for the next access-token lifetime. This process refuses the
    sessions at once, as before; once the transaction has ended, the ids the database shows
    revoked are published, and the others, rolled back, taken off this process's copy."""
    if not session_ids:
        return
    name = RefreshToken._meta.default_connection or "default"
    db = connections.get(name)
    if not isinstance(db, TransactionalDBClient):
        await publish(session_ids)  # committed already (each statement on its own)
        return
    added_at = REVOKED.add(session_ids)
    transaction = outermost(db)
    task = asyncio.get_running_loop().create_task(
        _publish_once_ended(name, transaction, list(session_ids), added_at))
    _watching.add(task)
    task.add_done_callback(_watching.discard)


async def _publish_once_ended(name: str, transaction: BaseDBAsyncClient,
                              session_ids: list[str], added_at: float) -> None:
    loop = asyncio.get_running_loop()
    # This task's context was copied inside the transaction: read through the pool instead.
    connections.set(name, getattr(transaction, "_parent", transaction))
    delay, give_up = _WATCH_SECONDS[0], loop.time() + _GIVE_UP_SECONDS
    while not ended(transaction) and loop.time() < give_up:
        await asyncio.sleep(delay)
        delay = min(delay * 2, _WATCH_SECONDS[1])
    try:
        committed = set(cast(list[str], await RefreshToken.filter(
            family__in=session_ids, revoked_at__isnull=False).values_list("family", flat=True)))
    except Exception:  # kept here, refused: the database reconcile publishes what committed
        log.warning("revoked sessions: could not read whether a revocation committed")
        return
    REVOKED.take_back(set(session_ids) - committed, added_at)
    await publish(sorted(committed))


async def finish() -> None:
    """Shutdown (app, worker, CLI), before the pool closes: publish what was still waiting
    for its transaction (ended by now)."""
    if pending := list(_watching):
        await asyncio.gather(*pending, return_exceptions=True)
