"""bench/run.py's money points: grantVouchers at scale (point 4) and placeOrder under load
(point 5), each a script of its own run as a subprocess.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from harness import BENCH, ROOT, Server, app_env, cpu_busy, ensure_database, log, sh


def grant_vouchers(members: int, database: str) -> dict[str, Any]:
    """Point 4: `bench/mall_grant.py` in a scratch database (it rebuilds the schema, seeds
    `members` verified members in one city and times the grant to all of them, then again)."""
    ensure_database(database)
    log(f"grantVouchers to {members} members in scratch database {database} (seeding first)")
    out = sh([sys.executable, str(BENCH / "mall_grant.py"), str(members)],
             env=app_env(database), timeout=3600, check=False)
    text = out.stdout + out.stderr
    seeded = re.search(r"seeded \d+ members in ([\d.]+) s", text)
    granted = re.search(r"granted (\d+) vouchers in ([\d.]+) s", text)
    again = re.search(r"second run granted (\d+)", text)
    if out.returncode != 0 or not (seeded and granted and again):
        log(f"grant run failed:\n{text[-3000:]}")
        return {"members": members, "database": database, "grant_s": None,
                "error": text[-3000:]}
    result = {"members": members, "database": database, "seed_s": float(seeded.group(1)),
              "granted": int(granted.group(1)), "grant_s": float(granted.group(2)),
              "regranted": int(again.group(1))}
    log(f"granted {result['granted']} vouchers in {result['grant_s']:.1f} s")
    return result


def mall_orders(server: Server, args: argparse.Namespace, run_dir: Path) -> dict[str, Any]:
    """Point 5: bench/mall_orders.py against the tracing-on server (its own floor inside)."""
    log("mall: placeOrder, 64 buyers on distinct SKUs, then one hot SKU with stock 100")
    cmd = [sys.executable, str(BENCH / "mall_orders.py"), "--url",
           f"http://127.0.0.1:{server.port}/graphql", "--server-pid", str(server.pid),
           "--server-cpu", args.server_cpu, "--duration", str(args.duration),
           "--workdir", str(run_dir)]
    if args.load_cpu:
        cmd = ["taskset", "-c", args.load_cpu, *cmd]
    busy0, total0 = cpu_busy()
    out = subprocess.run(cmd, env=app_env(args.database), text=True, capture_output=True,
                         timeout=600, cwd=ROOT)
    busy1, total1 = cpu_busy()
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"mall_orders gave no result: {out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    res = json.loads(line.removeprefix("BENCHJSON "))
    res["machine_busy"] = round((busy1 - busy0) / max(total1 - total0, 1), 3)
    for label in ("floor", "distinct", "hot"):
        r = res[label]
        log(f"mall {label:<9} {r['rps']:>8.1f} ok/s  p50 {r['p50_ms']:7.2f} ms  p99 "
            f"{r['p99_ms']:7.2f} ms  {r['cpu_us_per_req']:8.1f} µs CPU/req  ok {r['ok']}  "
            f"failed {r['failed']}")
    log(f"mall hot SKU: {res['hot']['database']} exactly {HOT_STOCK_WANTED}: "
        f"{res['hot']['exactly_stock']}")
    return res


HOT_STOCK_WANTED = 100
