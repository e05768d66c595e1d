"""Benchmark: what the hash chain adds to the hot path's audit writes (issue 17).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<scratch> python bench/audit_append.py

Drops and rebuilds the database's public schema (use a scratch database). Then, with C
concurrent callers each awaiting one audited read after another (as concurrent lookups do),
times `audit.record_reads` (group-committed, chained: one statement per batch moving the chain
head) against the same rows in plain multi-row INSERTs of the same batch sizes without the
chain (the pre-issue-17 statement), and prints rows per second and CPU per row of each.

Figures need a quiet machine: the session that wrote this shared 2 cores with seven others.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from tortoise import timezone

from unionhub import db
from unionhub.identity import audit, audit_chain


async def _chained(callers: int, reads: int) -> None:
    async def caller(c: int) -> None:
        for i in range(reads):
            await audit.record_reads("bench.read", actor_id=c, subject_type="member",
                                     subject_ids=[i], union_id=1)

    await asyncio.gather(*(caller(c) for c in range(callers)))


async def _plain(callers: int, reads: int, batch: int) -> None:
    """The same rows, unchained, in INSERTs of `batch` rows (what the group commit sent)."""
    conn = db.conn()
    columns = audit_chain.COLUMNS[:8]
    placeholders = ", ".join(
        "(" + ", ".join(f"${r * 8 + i + 1}::{t}" for i, t in enumerate(audit_chain._PG_TYPES[:8]))
        + ")" for r in range(batch))
    sql = f"INSERT INTO audit_log ({', '.join(columns)}) VALUES {placeholders}"
    rows = callers * reads
    for start in range(0, rows, batch):
        values: list = []
        for n in range(start, start + batch):
            values += [timezone.localtime(), n % callers, "bench.plain", "member", str(n), None,
                       "{}", 1]
        await conn.execute_query(sql, values)


async def main(callers: int, reads: int) -> None:
    await db.init_db()
    await db.conn().execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    await db.close_db()
    await db.migrate()
    await db.init_db()
    try:
        rows = callers * reads
        wall, cpu = time.perf_counter(), time.process_time()
        await _chained(callers, reads)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"chained group commit: {rows} rows from {callers} callers in {wall:.2f} s "
              f"({rows / wall:,.0f} rows/s, {cpu / rows * 1e6:.0f} µs CPU a row)")
        batch = max(1, min(audit.GROUP_MAX_ROWS, callers))
        wall, cpu = time.perf_counter(), time.process_time()
        await _plain(callers, reads, batch)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"plain INSERTs of {batch} rows: {rows} rows in {wall:.2f} s "
              f"({rows / wall:,.0f} rows/s, {cpu / rows * 1e6:.0f} µs CPU a row)")
        print("figures need a quiet machine")
        await audit.release_held_connections()
    finally:
        await db.close_db()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--callers", type=int, default=32)
    parser.add_argument("--reads", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(main(args.callers, args.reads))
