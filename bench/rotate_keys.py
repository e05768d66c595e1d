"""Benchmark: rotate the personal-data keys of N members (issue 17: 1,000,000).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<scratch> python bench/rotate_keys.py 1000000

Drops and rebuilds the database's public schema (use a scratch database), seeds the demo tree
and N verified members under the current key (AES-256-GCM, key v1), then rotates every
ciphertext and blind index to a new key under the SM suite (SM4-GCM + HMAC-SM3: a suite move
is the costliest rotation) with `unionhub.crypto.rotation.rotate`, the code `unionhub keys
rotate` runs, and times it. `--batch` sets rows per transaction (default 1000).

The figures need a quiet machine: on the shared 2-core machine of the session that wrote this,
other work ran beside it, so its timings are upper bounds, not results. Rotation is CPU-bound
in this process (per member: three decryptions, three encryptions, two HMACs) plus one UPDATE
per row sent in one pipelined executemany per batch.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time

from tqdm import tqdm

from unionhub import db
from unionhub.identity.seed import seed_members, seed_tree
from unionhub.settings import get_settings, reset_settings_cache

NEW_KEY = "YmVuY2gtb25seS1yb3RhdGlvbi1rZXktMzItYnl0ZXM="  # base64 of 32 bytes (bench only)


async def main(n: int, batch: int) -> None:
    await db.init_db()
    if db.is_postgres():
        await db.conn().execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    await db.close_db()
    await db.migrate()
    await db.init_db()
    try:
        tree = await seed_tree()
        t0 = time.perf_counter()
        with tqdm(total=n, unit="member", desc="seeding") as bar:
            await seed_members(n, tree.all_grassroots, progress=bar.update)
        print(f"seeded {n} members in {time.perf_counter() - t0:.1f} s")
        if db.is_postgres():
            await db.conn().execute_script("VACUUM (ANALYZE) members")

        old = get_settings()
        os.environ.update({
            "UNIONHUB_CRYPTO_SUITE": "sm", "UNIONHUB_DATA_KEY_ID": "s2",
            "UNIONHUB_DATA_KEY": NEW_KEY, "UNIONHUB_BLIND_INDEX_KEY": "bench-only-index-key",
            "UNIONHUB_RETIRED_KEYS": json.dumps({old.current_key_id: {
                "suite": old.crypto_suite, "data_key": old.data_key,
                "blind_index_key": old.blind_index_key}}),
        })
        reset_settings_cache()
        from unionhub.crypto import rotation

        bar = tqdm(unit="row", desc="rotating")
        t0 = time.perf_counter()
        result = await rotation.rotate(batch=batch, progress=bar.update,
                                       on_start=lambda total: setattr(bar, "total", total))
        elapsed = time.perf_counter() - t0
        bar.close()
        print(f"rotated {result.rows_rotated} rows to key {result.target_key_id} in "
              f"{elapsed:.1f} s ({result.rows_rotated / elapsed:,.0f} rows/s), "
              f"left {sum(result.left.values())}; figures need a quiet machine")
    finally:
        await db.close_db()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("members", type=int, nargs="?", default=1_000_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(main(args.members, args.batch))
