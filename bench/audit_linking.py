"""Benchmark: audited write transactions, the chain head locked to the commit (the old
`record`) against rows inserted unlinked and linked after the commit (identity/audit_linker).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<scratch> PYTHONPATH=. python bench/audit_linking.py

Empties the audit tables of the database (use a scratch database, migrated). C concurrent
callers each run T transactions: update a row of their own, `record` one audit row, then
`--work-ms` of further work inside the transaction (the rest of a money write: more rows,
a provider's answer already in hand...), commit. Old: the audit row is appended under the
head's lock inside the transaction (`audit_chain._append_locked`, what `record` did), so the
transactions queue on the head for their whole length. New: `audit.record` as it is. Rounds
alternate A and B; prints transactions per second of each round, and for the new way how long
after the last commit the last row was linked. Only same-run ratios mean anything on a shared
machine.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from tortoise import timezone
from tortoise.transactions import in_transaction

from unionhub import db
from unionhub.identity import audit, audit_chain, audit_integrity, audit_linker
from unionhub.identity.models import AuditLog


async def _reset(callers: int) -> None:
    await audit_linker.settle()
    await db.conn().execute_script("TRUNCATE audit_log, audit_chain_head")
    await db.conn().execute_script(
        "CREATE TABLE IF NOT EXISTS bench_accounts (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
        "TRUNCATE bench_accounts")
    await db.conn().execute_script("INSERT INTO bench_accounts (id, n) SELECT g, 0 FROM "
                                   f"generate_series(1, {callers}) g")
    audit_chain.forget_head()


async def _round(old: bool, callers: int, each: int, work: float) -> float:
    async def caller(c: int) -> None:
        for i in range(each):
            async with in_transaction() as conn:
                await conn.execute_query(
                    f"UPDATE bench_accounts SET n = n + 1 WHERE id = {c + 1}")
                if old:
                    await audit_chain._append_locked(conn, [(
                        timezone.localtime(), c, "bench.write", "account", str(i), None, {},
                        None)])
                else:
                    await audit.record("bench.write", actor_id=c, subject_type="account",
                                       subject_id=i)
                await asyncio.sleep(work)

    started = time.perf_counter()
    await asyncio.gather(*(caller(c) for c in range(callers)))
    return time.perf_counter() - started


async def main(callers: int, each: int, work_ms: float, rounds: int) -> None:
    await db.init_db()
    try:
        total = callers * each
        for r in range(rounds):
            for old in (True, False):
                await _reset(callers)
                wall = await _round(old, callers, each, work_ms / 1000)
                committed = time.perf_counter()
                while await AuditLog.filter(seq__isnull=True).exists():  # noqa: ASYNC110
                    await asyncio.sleep(0.001)
                lag = time.perf_counter() - committed
                report = await audit_integrity.verify()
                assert report.ok and report.rows == total, (report.rows, report.breach)
                name = "old (head locked to commit)" if old else "new (linked after commit)"
                print(f"round {r + 1} {name}: {total} transactions in {wall:.2f} s "
                      f"({total / wall:,.0f}/s)" + ("" if old else
                                                    f", last row linked {lag * 1000:.0f} ms "
                                                    "after the last commit"))
        await _reset(callers)
        await db.conn().execute_script("DROP TABLE bench_accounts")
    finally:
        await db.close_db()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--callers", type=int, default=16)
    parser.add_argument("--each", type=int, default=50)
    parser.add_argument("--work-ms", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.callers, args.each, args.work_ms, args.rounds))
