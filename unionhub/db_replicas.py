"""PostgreSQL read replicas (issue 22, point 2): reads that tolerate a little lag, routed
explicitly, one line per function:

    @replica_read
    async def mall_report(...): ...

Everything such a function awaits (ORM querysets, raw SQL through `db.conn()`, the functions it
calls) runs on a replica, because for its duration the task's "default" connection is the
replica's client: Tortoise's own per-task override (`connections.set` / `reset`), the one its
transactions use. Why not Tortoise's routers: a router picks a connection per model with no
view of the request, and only among aliases in the config, and a second alias there makes
every unnamed `in_transaction()` of the domains ambiguous (Tortoise's ParamsError). Why not
`using_db` per query: it is per statement, misses raw SQL, and every query of a report would
carry it. The override keeps one alias and routes a whole function.

A routed function runs on the primary instead when the operation is a mutation (the executor
pins it: `pin_primary`), inside an open transaction, inside another routed function's
fallback, or when no replica is fresh: a replica is used while its lag at its last check plus
the age of that check stays within `UNIONHUB_DB_REPLICA_MAX_LAG_SECONDS`. Checks run in the
background at most every `UNIONHUB_DB_REPLICA_CHECK_SECONDS`, started by the reads that need
them; a replica that does not answer is down until a later check finds it. When the function
fails on the replica (down since its check, a recovery conflict, or a row not replicated yet),
it runs again on the primary: a replica never fails a request. Routed functions must only read.
`on_primary` pins a function that fills a cache (a stale row must never be cached as current);
`replica_rows` fills one from a replica with rows that never change, asking the primary for
what the replica lacks (a row not replayed yet must not be cached as missing).
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

from opentelemetry.instrumentation.utils import suppress_instrumentation
from opentelemetry.metrics import CallbackOptions, Observation
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient

from unionhub.observability.metrics import METER
from unionhub.outages import dependency_of

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
K = TypeVar("K")
V = TypeVar("V")

# Replay lag as the standby sees it: nothing received but not replayed, while its WAL receiver
# is connected to the primary, means no lag (an idle primary sends nothing); otherwise the time
# since the last replayed commit. A standby cut off from its primary has replayed everything it
# received too, but falls behind every commit since: without a connected receiver (a row in
# pg_stat_wal_receiver, whose pid any role may read) it is as old as its last replayed commit.
# NULL (nothing replayed yet) counts as unknown. A primary named as a replica has no lag.
LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() "
    "AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0 "
    "ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) END AS lag")

# The primary client while a routed function runs (for on_primary); None elsewhere.
_ROUTED: ContextVar[BaseDBAsyncClient | None] = ContextVar("unionhub_replica_routed", default=None)
_PINNED: ContextVar[bool] = ContextVar("unionhub_primary_pinned", default=False)


@dataclass(eq=False)
class Replica:
    name: str  # host:port/database, never the credentials (metrics, logs)
    client: BaseDBAsyncClient
    lag: float | None = None  # seconds at `checked_at`; None: unknown or down
    checked_at: float = -math.inf  # time.monotonic()
    up: bool = False
    checking: asyncio.Task[None] | None = field(default=None, repr=False)

    def lag_now(self, now: float) -> float:
        """The most the replica can be behind now: its lag when checked, plus since."""
        return math.inf if self.lag is None else self.lag + (now - self.checked_at)


class ReplicaSet:
    def __init__(self, replicas: Iterable[Replica], *, max_lag: float, check_every: float,
                 check_timeout: float = 2.0) -> None:
        self.replicas = list(replicas)
        self.max_lag = max_lag
        self.check_every = check_every
        self.check_timeout = check_timeout
        self._turn = itertools.count()

    def choose(self) -> tuple[Replica | None, str]:
        """A fresh replica (taking turns) or None, and why: "fresh", "lagging" or "down"."""
        now = time.monotonic()
        fresh = []
        for replica in self.replicas:
            if now - replica.checked_at >= self.check_every:
                self._check_soon(replica)
            if replica.up and replica.lag_now(now) <= self.max_lag:
                fresh.append(replica)
        if fresh:
            return fresh[next(self._turn) % len(fresh)], "fresh"
        return None, "lagging" if any(r.up for r in self.replicas) else "down"

    def _check_soon(self, replica: Replica) -> None:
        if replica.checking is None or replica.checking.done():
            replica.checking = asyncio.get_running_loop().create_task(self.check(replica))

    async def check(self, replica: Replica) -> None:
        # Not traced: this process's upkeep, not the request that happened to start it.
        try:
            with suppress_instrumentation():
                rows = await asyncio.wait_for(
                    replica.client.execute_query_dict(LAG_SQL), self.check_timeout)
            lag = rows[0]["lag"]
            replica.lag = None if lag is None else max(float(lag), 0.0)
            if not replica.up:
                log.info("read replica %s answers (lag %s s)", replica.name, replica.lag)
            replica.up = True
        except Exception as exc:  # any failure: down until a later check finds it
            if replica.checked_at == -math.inf:  # the first check (start-up): say so once
                log.warning("read replica %s does not answer (%s): its reads go to the "
                            "primary until it does", replica.name, type(exc).__name__)
            self.mark_down(replica, exc)
        replica.checked_at = time.monotonic()

    async def check_all(self) -> None:
        await asyncio.gather(*(self.check(r) for r in self.replicas))

    def mark_down(self, replica: Replica, exc: BaseException) -> None:
        if replica.up:
            log.warning("read replica %s is down (%s): its reads go to the primary",
                        replica.name, type(exc).__name__)
        replica.up, replica.lag = False, None

    async def close(self) -> None:
        for replica in self.replicas:
            if replica.checking is not None and not replica.checking.done():
                replica.checking.cancel()
        await asyncio.gather(*(r.client.close() for r in self.replicas), return_exceptions=True)


_replicas: ReplicaSet | None = None


def install(replica_set: ReplicaSet | None) -> ReplicaSet | None:
    """Routes to `replica_set` from now on (None: no replicas); returns the one it replaces."""
    global _replicas
    previous, _replicas = _replicas, replica_set
    return previous


def replica_set() -> ReplicaSet | None:
    return _replicas


async def close() -> None:
    previous = install(None)
    if previous is not None:
        await previous.close()


def pin_primary() -> Token[bool] | None:
    """Everything until `unpin` reads the primary (a mutation: it reads its own writes)."""
    return _PINNED.set(True) if _replicas is not None else None


def unpin(token: Token[bool] | None) -> None:
    if token is not None:
        _PINNED.reset(token)


_READS = METER.create_counter(
    "unionhub.db.replica.reads", "{call}",
    "Replica-routed function calls by where they ran (db.replica.route: replica, primary) and "
    "why (reason: fresh, lagging, down, failed, pinned, not_found: keys a replica lacked, "
    "read again).")


def _count(route: str, reason: str) -> None:
    _READS.add(1, {"db.replica.route": route, "reason": reason})


def replica_read(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Runs `fn` (which only reads) on a fresh replica when there is one (see the module)."""

    @functools.wraps(fn)
    async def routed(*args: P.args, **kwargs: P.kwargs) -> R:
        return (await _routed(fn, *args, **kwargs))[0]

    return routed


def replica_rows(fn: Callable[[list[K]], Awaitable[dict[K, V]]],
                 ) -> Callable[[list[K]], Awaitable[dict[K, V]]]:
    """`fn`, rows by key, routed as `replica_read`, with the keys a replica did not find read
    again on the primary. For the loads of per-process caches (row_cache.py), which keep what
    was not found as a negative entry for their TTL: a row written within the lag (a supplier
    created a moment before the product that names it) must not be cached as missing."""
    primary = on_primary(fn)

    @functools.wraps(fn)
    async def rows(keys: list[K]) -> dict[K, V]:
        found, on_replica = await _routed(fn, keys)
        if on_replica and (lacking := [k for k in keys if k not in found]):
            _count("primary", "not_found")
            found = {**found, **await primary(lacking)}
        return found

    return rows


async def _routed(fn: Callable[P, Awaitable[R]], *args: P.args,
                  **kwargs: P.kwargs) -> tuple[R, bool]:
    """`fn`'s answer, and whether a replica gave it."""
    replicas = _replicas
    if replicas is None or _ROUTED.get() is not None:
        return await fn(*args, **kwargs), False  # no replicas, or routed already
    primary = connections.get("default")
    if _PINNED.get() or isinstance(primary, TransactionalDBClient):
        _count("primary", "pinned")
        return await fn(*args, **kwargs), False
    replica, reason = replicas.choose()
    if replica is None:
        _count("primary", reason)
        return await fn(*args, **kwargs), False
    token = connections.set("default", replica.client)
    routed_token = _ROUTED.set(primary)
    try:
        result = await fn(*args, **kwargs)
    except Exception as exc:  # every failure is retried on the primary
        failure: Exception | None = exc
    else:
        failure = None
    finally:
        _ROUTED.reset(routed_token)
        connections.reset(token)
    if failure is None:
        _count("replica", "fresh")
        return result, True
    if dependency_of(failure) is not None:
        replicas.mark_down(replica, failure)
    _count("primary", "failed")
    return await fn(*args, **kwargs), False


def on_primary(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Runs `fn` on the primary even when called from a routed function (cache fills)."""

    @functools.wraps(fn)
    async def pinned(*args: P.args, **kwargs: P.kwargs) -> R:
        primary = _ROUTED.get()
        if primary is None:
            return await fn(*args, **kwargs)
        token = connections.set("default", primary)
        routed_token = _ROUTED.set(None)
        pin_token = _PINNED.set(True)
        try:
            return await fn(*args, **kwargs)
        finally:
            _PINNED.reset(pin_token)
            _ROUTED.reset(routed_token)
            connections.reset(token)

    return pinned


def _lag(_: CallbackOptions) -> Iterable[Observation]:
    replicas = _replicas.replicas if _replicas is not None else ()
    return [Observation(r.lag, {"db.replica": r.name}) for r in replicas
            if r.up and r.lag is not None]


def _up(_: CallbackOptions) -> Iterable[Observation]:
    replicas = _replicas.replicas if _replicas is not None else ()
    return [Observation(1 if r.up else 0, {"db.replica": r.name}) for r in replicas]


METER.create_observable_gauge(
    "unionhub.db.replica.lag", [_lag], "s",
    "Replay lag of each read replica at its last check (none while it is down).")
METER.create_observable_gauge(
    "unionhub.db.replica.up", [_up], "1", "1 while a read replica answers its checks, else 0.")
