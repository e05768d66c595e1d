"""The server's own CPU per request of bench/screens.py's screens, with fast-path parts off (A)
and on (B), alternated in one process: the in-process app (httpx's ASGI transport, no sockets,
as bench/inproc_screens.py) timed from the ASGI call's start to its end, so the client's work
outside the app is not counted. The collector is set as the server sets it (app.py: frozen
start-up objects, its thresholds). Each round runs a batch of each mode, in alternating order;
the figure per mode is the median of the rounds, B/A the median of the rounds' ratios. Checks
that both modes answer alike.

    .venv/bin/python bench/screen_cpu_ab.py --db bench_home --redis-db 11 --only home \\
        --off onetrip --rounds 15

Only parts read per use can be toggled in one process (not `resolvers`, `metrics`, `execute`).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from resource import RUSAGE_SELF, getrusage
from typing import Any

BENCH = Path(__file__).resolve().parent


class Timed:
    """The ASGI app, with the process CPU spent inside its calls added up."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.cpu = 0.0
        self.system = 0.0
        self.profile: cProfile.Profile | None = None  # counts the calls inside the app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        started = getrusage(RUSAGE_SELF)
        if self.profile is not None:
            self.profile.enable()
        try:
            await self.app(scope, receive, send)
        finally:
            if self.profile is not None:
                self.profile.disable()
            ended = getrusage(RUSAGE_SELF)
            self.cpu += (ended.ru_utime + ended.ru_stime - started.ru_utime
                         - started.ru_stime)
            self.system += ended.ru_stime - started.ru_stime


async def main(ns: argparse.Namespace) -> dict[str, Any]:
    import gateway as GW
    import harness as R  # the benchmarks' shared harness
    import httpx
    import screens as S

    from unionhub import cache, db
    from unionhub.app import GC_THRESHOLDS, create_app
    from unionhub.fastpath import switch
    from unionhub.schema.persisted import add_to_manifest, operation_hash

    plan = {name: S.SCREENS[name] for name in ns.only.split(",")}
    values = S.placeholders(ns.db)
    manifest = Path(tempfile.mkdtemp()) / "manifest.json"
    add_to_manifest(manifest, [q for _, q, _ in plan.values()])
    os.environ["UNIONHUB_PERSISTED_OPERATIONS_FILE"] = str(manifest)
    timed = Timed(create_app())
    await db.init_db()
    modes = {"A": switch.Switches.of(True, tuple(p for p in ns.off.split(",") if p)),
             "B": switch.Switches()}
    out: dict[str, Any] = {}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=timed),
                                     base_url="http://bench") as client:
            # Tokens kept between runs (an hour): sign-ins are rate-limited per address.
            kept = Path(tempfile.gettempdir()) / f"screen_cpu_ab-{ns.db}-tokens.json"
            tokens = json.loads(kept.read_text()) if kept.exists() else {}
            if time.time() - tokens.pop("at", 0) > 3600:
                tokens = {}
            for who, phone in (("cadre", R.CADRE_PHONE), ("member", GW.MEMBER_PHONE)):
                if who in tokens:
                    continue
                r = await client.post("/graphql", json={
                    "query": "mutation L($i: LoginInput!) { login(input: $i) { accessToken } }",
                    "variables": {"i": {"phone": phone, "password": R.CADRE_PASSWORD}}})
                tokens[who] = (r.json().get("data") or {}).get("login", {}).get("accessToken")
                if not tokens[who]:
                    raise SystemExit(f"sign-in refused: {r.text[:300]}")
                kept.write_text(json.dumps(tokens | {"at": time.time()}))
            gc.collect()
            gc.freeze()
            gc.set_threshold(*GC_THRESHOLDS)
            for name, (who, query, variables) in plan.items():
                body = {"operationName": query.split()[1].split("(")[0],
                        "variables": S.fill(variables, values),
                        "extensions": {"persistedQuery": {
                            "version": 1, "sha256Hash": operation_hash(query)}}}
                headers = {"Authorization": f"Bearer {tokens[who]}"}

                async def one(body: dict[str, Any] = body,
                              headers: dict[str, str] = headers) -> Any:
                    data = (await client.post("/graphql", json=body, headers=headers)).json()
                    if data.get("errors") or not data.get("data"):
                        raise RuntimeError(json.dumps(data, ensure_ascii=False)[:400])
                    data.get("extensions", {}).pop("traceId", None)
                    return data

                answers, figures = {}, {"A": [], "B": []}
                for n in range(ns.rounds):
                    for mode in ("A", "B") if n % 2 == 0 else ("B", "A"):
                        switch.set_switches(modes[mode])
                        for _ in range(ns.warm):
                            answers[mode] = await one()
                        timed.cpu, timed.system, started = 0.0, 0.0, time.process_time()
                        for _ in range(ns.requests):
                            await one()
                        whole = (time.process_time() - started) / ns.requests * 1e6
                        figures[mode].append((timed.cpu / ns.requests * 1e6, whole,
                                              timed.system / ns.requests * 1e6))
                if ns.profile:  # mode B's requests under cProfile, inside the app only
                    switch.set_switches(modes["B"])
                    timed.profile = cProfile.Profile()
                    for _ in range(ns.requests):
                        await one()
                    timed.profile.dump_stats(ns.profile)
                    timed.profile = None
                calls = {}
                for mode in ("A", "B"):  # Python calls inside the app, per request
                    switch.set_switches(modes[mode])
                    timed.profile = profile = cProfile.Profile()
                    for _ in range(ns.warm):
                        await one()
                    timed.profile = None
                    calls[mode] = round(pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
                                        / ns.warm)
                if answers["A"] != answers["B"]:
                    raise SystemExit(f"{name}: the answers differ")
                ratios = [b[0] / a[0] for a, b in zip(figures["A"], figures["B"], strict=True)]
                result = {mode: {"server_us": round(statistics.median(f[0] for f in figs)),
                                 "server_us_min": round(min(f[0] for f in figs)),
                                 "whole_us": round(statistics.median(f[1] for f in figs)),
                                 "server_system_us": round(statistics.median(f[2] for f in figs))}
                          for mode, figs in figures.items()}
                result["B_over_A"] = round(statistics.median(ratios), 3)
                result["server_calls"] = calls
                result["rounds"] = {m: [round(f[0]) for f in figs] for m, figs in figures.items()}
                out[name] = result
                print(f"{name:22} server µs/request A {result['A']['server_us']} "
                      f"(min {result['A']['server_us_min']}) B {result['B']['server_us']} "
                      f"(min {result['B']['server_us_min']})  B/A {result['B_over_A']}  "
                      f"[of which system A {result['A']['server_system_us']} B "
                      f"{result['B']['server_system_us']}; whole process A "
                      f"{result['A']['whole_us']} B {result['B']['whole_us']}]  server calls "
                      f"A {calls['A']} B {calls['B']}",
                      flush=True)
    finally:
        switch.set_switches(switch.Switches())
        await db.close_db()
        await cache.close_redis()
    return out


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", required=True)
    p.add_argument("--redis-db", type=int, required=True)
    p.add_argument("--only", default="home")
    p.add_argument("--off", default="onetrip", help="the parts off in mode A, comma-separated")
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--requests", type=int, default=100)
    p.add_argument("--warm", type=int, default=10)
    p.add_argument("--json", default="")
    p.add_argument("--profile", default="", help="FILE: cProfile stats of mode B's requests")
    ns = p.parse_args()
    # bench/run.py's app_env claims its Redis db (UNIONHUB_BENCH_REDIS_DB): this one's
    os.environ["UNIONHUB_BENCH_REDIS_DB"] = str(ns.redis_db)
    sys.path.insert(0, str(BENCH))
    sys.path.insert(0, str(BENCH.parent))
    import harness as R  # the benchmarks' shared harness

    os.environ.update({k: v for k, v in R.app_env(ns.db).items()
                       if k in ("DATABASE_URL", "UNIONHUB_ACCESS_TOKEN_TTL_SECONDS")})
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:6379/{ns.redis_db}"
    result = asyncio.run(main(ns))
    if ns.json:
        Path(ns.json).write_text(json.dumps(result, indent=1, ensure_ascii=False))
