"""UnionHub benchmark suite (issue 8): the hot member lookup against its floor, in one run.

    python bench/run.py                      # 10,000 members, warm + cold lookups, profile
    python bench/run.py --scale              # also seeds 1,000,000 members (timed) into
                                             # database bench_1m and compares cold lookups

See bench/README.md. Every figure is reported as a ratio against the floor (a bare Starlette
route served by the same uvicorn settings, returning the same member document) measured in the
same run, because the machine is shared and absolute req/s are noisy. Traffic stays on
127.0.0.1; every load run is bounded by --duration.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
RAW_PROFILES = RESULTS / "raw"
PG = dict(host="127.0.0.1", port=5432, user="postgres")
# The database and Redis db the scripts use; sessions sharing a machine can point them elsewhere
# (UNIONHUB_BENCH_DB, UNIONHUB_BENCH_REDIS_DB). Defaults: bench, 9.
BENCH_DB = os.environ.get("UNIONHUB_BENCH_DB", "bench")
REDIS_DB = int(os.environ.get("UNIONHUB_BENCH_REDIS_DB", "9"))
CADRE_PHONE, CADRE_PASSWORD = "13900000004", "demo-pass-2026"  # the province cadre (docs/contract.md)

# The hot lookup every app screen makes (issue 8), sent with variables so the parse and
# validation caches (keyed on the text) apply.
LOOKUP = ("query MemberByCard($cardNo: String) { member(cardNo: $cardNo) { id displayName name "
          "phone idNumber tier union { name } card { number status } } }")
# The same without idNumber. Since issue 17 a cadre's unmasked name and phone reads are audited
# too: LOOKUP writes three chained audit rows per request, this one two.
LOOKUP_NO_ID_NUMBER = ("query MemberByCard($cardNo: String) { member(cardNo: $cardNo) { id "
                       "displayName name phone tier union { name } card { number status } } }")

TRACING = {
    # The SDK's default sampler (parentbased_always_on): every request is traced.
    "default": {},
    "ratio10": {"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.1"},
    "off": {"OTEL_TRACES_SAMPLER": "always_off"},
}
# Tracing on as above, and every span exported over OTLP/HTTP to bench/otlp_sink.py (on the load
# CPU): what exporting everything costs (the endpoint is filled in when the sink has a port).
EXPORT = {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf"}


def log(msg: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {msg}", flush=True)


# --- services, database, seeding ---------------------------------------------------------------

def sh(cmd: list[str], env: dict[str, str] | None = None, check: bool = True,
       timeout: float | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, check=check, text=True, capture_output=True,
                          timeout=timeout, cwd=ROOT)


def psql(sql: str, db: str = "postgres") -> str:
    # The SQL goes through stdin: a list of 40,000 ids is longer than one argv string may be.
    # Retried: on a shared server the connection slots may all be taken for a moment.
    for attempt in range(10):
        out = subprocess.run(["psql", "-h", PG["host"], "-p", str(PG["port"]), "-U", PG["user"],
                              "-d", db, "-v", "ON_ERROR_STOP=1", "-Atq"], input=sql, text=True,
                             capture_output=True, cwd=ROOT)
        if out.returncode == 0:
            return out.stdout.strip()
        if out.returncode != 2 or attempt == 9:  # 2: the connection failed
            raise RuntimeError(f"psql failed ({out.returncode}): {out.stderr.strip()[:500]}")
        time.sleep(1 + attempt)
    raise AssertionError("unreachable")


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def ensure_services() -> None:
    if not port_open(PG["port"]):
        log("PostgreSQL is down: starting it")
        clusters = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").is_dir() else []
        version = clusters[-1].name if clusters else "15"  # the installed cluster, as .ci/run
        for cmd in (["pg_ctlcluster", version, "main", "start"], ["service", "postgresql", "start"]):
            if shutil.which(cmd[0]) and sh(cmd, check=False).returncode == 0:
                break
    if not port_open(6379):
        log("Redis is down: starting it on 127.0.0.1")
        sh(["redis-server", "--bind", "127.0.0.1", "--port", "6379", "--daemonize", "yes"])
    for _ in range(60):
        if port_open(PG["port"]) and port_open(6379):
            break
        time.sleep(0.5)
    sh(["pg_isready", "-h", PG["host"], "-p", str(PG["port"])])
    sh(["redis-cli", "-h", "127.0.0.1", "ping"])
    if not shutil.which("wrk"):
        log("installing wrk (apt-get)")
        sh(["apt-get", "update", "-qq"], check=False, timeout=300)
        sh(["apt-get", "install", "-y", "-qq", "wrk"], timeout=300)


def ensure_database(name: str) -> None:
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") != "1":
        log(f"creating database {name}")
        psql(f'CREATE DATABASE "{name}"')


def own_redis_db(db: str, redis_db: int | None = None) -> None:
    """Cached member records and lookups are keyed by id, not by database: a Redis db last used
    with another bench database would answer this one's requests with that one's rows. The db
    remembers which database it caches (`bench:database`) and is flushed when that changes."""
    n = str(REDIS_DB if redis_db is None else redis_db)
    owner = sh(["redis-cli", "-h", "127.0.0.1", "-n", n, "GET", "bench:database"]).stdout.strip()
    if owner != db:
        if owner:
            log(f"redis db {n} cached database {owner}: flushing it for {db}")
        sh(["redis-cli", "-h", "127.0.0.1", "-n", n, "FLUSHDB"])
        sh(["redis-cli", "-h", "127.0.0.1", "-n", n, "SET", "bench:database", db])


def app_env(db: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    own_redis_db(db)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "UNIONHUB_"))}
    env.update({
        "DATABASE_URL": f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{db}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        # A long-lived token: one login serves the whole run.
        "UNIONHUB_ACCESS_TOKEN_TTL_SECONDS": "7200",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra or {})
    return env


def cli(args: list[str], db: str, timeout: float = 3600) -> float:
    """Run `python -m unionhub.cli ...`; returns the wall time in seconds."""
    start = time.perf_counter()
    out = sh([sys.executable, "-m", "unionhub.cli", *args], env=app_env(db), timeout=timeout,
             check=False)
    took = time.perf_counter() - start
    if out.returncode != 0:
        raise RuntimeError(f"unionhub {' '.join(args)} failed:\n{out.stdout[-2000:]}\n"
                           f"{out.stderr[-4000:]}")
    last = [line for line in out.stdout.splitlines() if line.strip()][-1:]
    log(f"unionhub {' '.join(args)}: {took:.1f} s ({last[0] if last else ''})")
    return took


def synthetic_members(db: str) -> int:
    return int(psql("SELECT count(*) FROM members WHERE display_name LIKE '示例会员%'", db) or 0)


def prepare(db: str, members: int) -> dict[str, Any]:
    """Migrate and seed `db` up to `members` synthetic members; returns the timings."""
    ensure_database(db)
    timings: dict[str, Any] = {"database": db, "members_wanted": members}
    timings["migrate_s"] = round(cli(["migrate"], db), 2)
    timings["seed_demo_s"] = round(cli(["seed", "--demo"], db), 2)
    before = synthetic_members(db)
    timings["members_before"] = before
    if before < members:
        took = cli(["seed", "--members", str(members)], db, timeout=3600)
        timings["seed_members_s"] = round(took, 2)
        timings["members_added"] = members - before
        timings["members_per_s"] = round((members - before) / took)
    timings["members_total"] = int(psql("SELECT count(*) FROM members", db))
    # Fresh statistics: autovacuum never analyzes a table under 50 changed rows (the dozen
    # seeded unions), and on the default estimates the member search ran one trigram scan
    # per union of the subtree (2% of the floor instead of ~8%).
    psql("ANALYZE", db)
    return timings


def last_seed_timing(db: str) -> dict[str, Any] | None:
    """The newest timed seed of `db` in bench/results, for runs that reuse the database."""
    for path in sorted(RESULTS.glob("2*.json"), reverse=True):
        try:
            seed = json.loads(path.read_text()).get("scale_seed") or {}
        except ValueError:
            continue
        if seed.get("database") == db and seed.get("seed_members_s"):
            return {**seed, "from": path.name}
    return None


def sample_cards(db: str, k: int, seed: int = 8) -> list[str]:
    """k distinct active cards of synthetic members, in a random order (reproducible)."""
    total = synthetic_members(db)
    # TABLESAMPLE-free and index-friendly: pick random member ids in the synthetic range.
    lo, hi = (int(x) for x in psql(
        "SELECT min(member_id), max(member_id) FROM member_cards c JOIN members m "
        "ON m.id = c.member_id WHERE m.display_name LIKE '示例会员%'", db).split("|"))
    rng = random.Random(seed)
    ids = rng.sample(range(lo, hi + 1), min(k * 2, hi - lo + 1, max(total, 1)))
    rows = psql("SELECT number FROM member_cards WHERE status = 'ACTIVE' AND member_id IN ("
                + ",".join(map(str, ids)) + ")", db).splitlines()
    rng.shuffle(rows)
    return rows[:k]


# --- servers -----------------------------------------------------------------------------------

@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(name: str, cmd: list[str], env: dict[str, str], cpu: str, run_dir: Path,
                 ) -> Server:
    port = free_port()
    log_path = run_dir / f"server-{name}.log"
    full = ["taskset", "-c", cpu, *cmd, "--port", str(port)] if cpu else [*cmd, "--port", str(port)]
    with open(log_path, "w") as out:
        proc = subprocess.Popen(full, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    server = Server(name, port, proc, log_path)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited: {log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                if r.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"{name} did not start: {log_path.read_text()[-3000:]}")


def post(port: int, body: dict, token: str | None = None) -> dict:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql",
                                 data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def login(port: int) -> str:
    q = ("mutation Login($input: LoginInput!) { login(input: $input) { accessToken "
         "errors { code message } } }")
    out = post(port, {"query": q, "variables": {"input": {"phone": CADRE_PHONE,
                                                          "password": CADRE_PASSWORD}}})
    token = ((out.get("data") or {}).get("login") or {}).get("accessToken")
    if not token:
        raise RuntimeError(f"cadre login failed: {out}")
    return token


def lookup(port: int, token: str, card: str, query: str = LOOKUP) -> dict:
    out = post(port, {"operationName": "MemberByCard", "query": query,
                      "variables": {"cardNo": card}}, token)
    member = (out.get("data") or {}).get("member")
    if out.get("errors") or not member or (member.get("card") or {}).get("number") != card:
        raise RuntimeError(f"the lookup did not return the member: {json.dumps(out)[:500]}")
    return out


# --- load --------------------------------------------------------------------------------------

def cpu_busy() -> tuple[int, int]:
    """(busy, total) jiffies over all cores, from /proc/stat: the machine's load during a run."""
    parts = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = parts[3] + parts[4]
    return sum(parts) - idle, sum(parts)


def run_wrk(server: Server, token: str, cards: list[str], query: str, duration: int,
            connections: int, cpu: str, run_dir: Path, label: str) -> dict[str, Any]:
    cards_file = run_dir / f"cards-{label}.txt"
    cards_file.write_text("\n".join(cards) + "\n")
    query_file = run_dir / f"query-{zlib.crc32(query.encode()):08x}.json"  # one file a query
    query_file.write_text(json.dumps(query))
    env = dict(os.environ, BENCH_TOKEN=token, BENCH_CARDS=str(cards_file),
               BENCH_QUERY_FILE=str(query_file))
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s",
           "-s", str(BENCH / "lookup.lua"), f"http://127.0.0.1:{server.port}/graphql"]
    if cpu:
        cmd = ["taskset", "-c", cpu, *cmd]
    cpu0 = server.cpu_seconds()
    busy0, total0 = cpu_busy()
    out = subprocess.run(cmd, env=env, text=True, capture_output=True, timeout=duration + 30,
                         cwd=ROOT)
    cpu1 = server.cpu_seconds()
    busy1, total1 = cpu_busy()
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {out.stdout}\n{out.stderr}")
    res = json.loads(line.removeprefix("BENCHJSON "))
    secs = res["duration_us"] / 1e6
    n = max(res["requests"], 1)
    res.update({
        "label": label, "server": server.name,
        "rps": round(res["requests"] / secs, 1),
        "server_cpu_s": round(cpu1 - cpu0, 3),
        "cpu_us_per_req": round((cpu1 - cpu0) / n * 1e6, 1),
        "server_cpu_util": round((cpu1 - cpu0) / secs, 3),
        "machine_busy": round((busy1 - busy0) / max(total1 - total0, 1), 3),
        "loadavg": Path("/proc/loadavg").read_text().split()[:3],
    })
    if len(cards) > 1:
        res["cards_wrapped"] = res["requests"] > len(cards)
    lat = res["latency_us"]
    log(f"{label:<22} {res['rps']:>9.1f} req/s  p50 {lat['p50']/1000:6.2f} ms  "
        f"p99 {lat['p99']/1000:7.2f} ms  {res['cpu_us_per_req']:7.1f} µs CPU/req  "
        f"non-2xx {res['errors']['status']}  machine busy {res['machine_busy']:.0%}")
    return res


def flush_cache() -> None:
    # Keeps the owner mark (own_redis_db), so the next app_env does not flush again.
    sh(["redis-cli", "-h", "127.0.0.1", "-n", str(REDIS_DB), "EVAL",
        "local o = redis.call('GET', 'bench:database') redis.call('FLUSHDB') "
        "if o then redis.call('SET', 'bench:database', o) end", "0"])


# --- profile -----------------------------------------------------------------------------------

# (category, substrings of a py-spy frame "function (path:line)"); py-spy shortens paths, so
# OpenTelemetry's namespace packages show as "(trace/__init__.py", "(asgi/__init__.py" and so on.
CATEGORIES: list[tuple[str, tuple[str, ...]]] = [
    ("unionhub tracing (slow-op recorder, traced)", ("unionhub/observability",)),
    ("unionhub", ("unionhub/", "experiments.py")),
    ("strawberry", ("(strawberry/",)),
    ("graphql-core", ("(graphql/",)),
    ("OpenTelemetry (SDK, ASGI middleware, instrumentations)", (
        "opentelemetry", "(trace/", "(asgi/__init__.py", "(attributes/", "(propagate/",
        "(propagators/", "(context/", "(baggage/", "(sdk/", "(http/__init__.py",
        "_traced_execute", "(tortoiseorm/", "(semconv", "(util/")),
    ("uvicorn/h11 (HTTP)", ("(uvicorn/", "(h11/")),
    ("starlette", ("(starlette/",)),
    ("redis-py", ("(redis/",)),
    ("tortoise/pypika", ("(tortoise/", "(pypika")),
    ("asyncpg", ("(asyncpg/",)),
    ("pydantic", ("pydantic",)),
    ("crypto (AES-GCM)", ("(cryptography/",)),
    ("jwt", ("(jwt/",)),
    ("json", ("(json/",)),
    ("asyncio event loop + socket writes", ("(asyncio/", "(selectors.py")),
]


def _frame_file(frame: str) -> str:
    return frame[frame.rfind("(") + 1:frame.rfind(")")] if "(" in frame else frame


def summarize_profile(raw: Path) -> dict[str, Any]:
    """Self time by package (the leaf frame), inclusive time of marker functions, top leaves."""
    stacks: list[tuple[list[str], int]] = []
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            frames = stack.split(";")
            # py-spy counts the idle default-executor thread as busy (it blocks in
            # queue.get; /proc shows it used ~0 CPU): drop those samples.
            if "_worker (concurrent/futures/thread.py" in frames[-1]:
                continue
            stacks.append((frames, int(count)))
    total = sum(c for _, c in stacks) or 1
    by_cat: Counter = Counter()
    leaves: Counter = Counter()
    for frames, count in stacks:
        leaf = frames[-1]
        # Attribute a stdlib/C leaf to the nearest library frame above it.
        cat = "other (stdlib, C)"
        for frame in reversed(frames):
            hit = next((c for c, subs in CATEGORIES if any(x in frame for x in subs)), None)
            if hit:
                cat = hit
                break
        by_cat[cat] += count
        leaves[leaf] += count
    markers = {
        "audit row insert (idNumber read)": "audit.py",
        "strawberry schema.execute (whole operation)": "execute (strawberry/schema/schema.py",
        "graphql-core execute": "graphql/execution/execute.py",
        "graphql-core validate": "graphql/validation/",
        "graphql-core parse": "graphql/language/parser.py",
        "strawberry extensions hooks": "strawberry/extensions/context.py",
        "PermissionExtension": "strawberry/permission.py",
        "OTel SDK span start/end, incl. span processors": "(trace/__init__.py",
        "OTel Redis/Tortoise instrumentation wrappers": "_traced_execute",
        "redis-py (any frame)": "redis/",
        "tortoise ORM (any frame)": "tortoise/",
        "asyncpg (any frame)": "asyncpg/",
        "get_record_by_card": "get_record_by_card",
        "AES-GCM decrypt (crypto.py)": "unionhub/identity/crypto.py",
        "audit rows, buffered (experiments.py)": "patch_audit",
        "JWT decode (tokens.py)": "unionhub/identity/tokens.py",
        "uvicorn h11 protocol (parse/serialize)": "h11/_",
        "socket writes (asyncio transport write)": "_SelectorSocketTransport.write",
        "slow-operation recorder (span processor)": "slow_operations.py",
        "unions DataLoader (DB query)": "unions_by_ids",
        "json encode/decode": "json/",
    }
    functions: Counter = Counter()
    for frames, count in stacks:
        # by function, whatever line it was on; once per stack, however deep the recursion
        for function in {re.sub(r":\d+\)$", ")", f) for f in frames}:
            functions[function] += count
    inclusive = {}
    for name, sub in markers.items():
        n = sum(c for frames, c in stacks if any(sub in f for f in frames))
        inclusive[name] = round(n / total, 3)
    return {
        "samples": total,
        "self_by_package": {k: round(v / total, 3) for k, v in by_cat.most_common()},
        "inclusive": dict(sorted(inclusive.items(), key=lambda kv: -kv[1])),
        "top_leaves": [(k, round(v / total, 3)) for k, v in leaves.most_common(25)],
        "top_inclusive": [(k, round(v / total, 3)) for k, v in functions.most_common(60)],
    }


def profile(server: Server, token: str, cards: list[str], duration: int, connections: int,
            cpu: str, run_dir: Path, stamp: str) -> dict[str, Any] | None:
    """py-spy of the warm hot lookup under wrk (`spy`)."""
    return spy(server, lambda: run_wrk(server, token, cards, LOOKUP, duration, connections, cpu,
                                       run_dir, "profiled"),
               duration, stamp, "the warm hot lookup",
               f"under wrk -c{connections}, tracing at the SDK default sampler")


def spy(server: Server, load: Callable[[], Any], duration: int, stamp: str, what: str,
        how: str) -> dict[str, Any] | None:
    """py-spy (250 Hz, `duration` s) of `server` while `load()` runs; the summary (self time
    by package, inclusive markers, hottest leaves, hottest functions inclusive) is written to
    results/<stamp>-profile.md. The raw stacks stay in results/raw/ (ignored by git)."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():  # point 6 needs it: install it into this Python, as wrk above
        log("installing py-spy (pip)")
        sh([sys.executable, "-m", "pip", "install", "-q", "py-spy>=0.3.14"], check=False, timeout=300)
    if not Path(py_spy).exists():
        log("py-spy could not be installed: no profile")
        return None
    RAW_PROFILES.mkdir(parents=True, exist_ok=True)
    raw = RAW_PROFILES / f"{stamp}-profile.txt"
    spy_cmd = [py_spy, "record", "--pid", str(server.pid), "--rate", "250", "--duration",
               str(duration), "--format", "raw", "--output", str(raw)]
    spy_proc = subprocess.Popen(spy_cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)
    time.sleep(0.5)
    load()
    try:
        spy_out, _ = spy_proc.communicate(timeout=duration + 30)
    except subprocess.TimeoutExpired:
        spy_proc.kill()
        spy_out = "timeout"
    if not raw.exists():
        log(f"py-spy gave no profile: {spy_out[-800:]}")
        return None
    summary = summarize_profile(raw)
    summary["raw"] = raw.name
    lines = [f"# Profile of {what} ({stamp}, server {server.name})", "",
             f"py-spy, 250 Hz, {duration} s {how}; {summary['samples']} samples of the "
             f"server's CPU (idle excluded). Collapsed stacks: `raw/{raw.name}` on the machine "
             f"that ran it, not kept in git (load into speedscope or flamegraph.pl).", "",
             "## Self time by package (leaf attributed to the nearest library frame)", "",
             "| package | share |", "|---|---|"]
    lines += [f"| {k} | {v:.1%} |" for k, v in summary["self_by_package"].items()]
    lines += ["", "## Inclusive time (any frame on the stack)", "", "| where | share |", "|---|---|"]
    lines += [f"| {k} | {v:.1%} |" for k, v in summary["inclusive"].items()]
    lines += ["", "## Hottest functions, inclusive (any frame on the stack)", "",
              "| function | share |", "|---|---|"]
    lines += [f"| `{k}` | {v:.1%} |" for k, v in summary["top_inclusive"]]
    lines += ["", "## Hottest leaf frames", "", "| frame | share |", "|---|---|"]
    lines += [f"| `{k}` | {v:.1%} |" for k, v in summary["top_leaves"]]
    (RESULTS / f"{stamp}-profile.md").write_text("\n".join(lines) + "\n")
    log(f"profile: {RESULTS / (stamp + '-profile.md')}")
    return summary


# --- the run -----------------------------------------------------------------------------------

@dataclass
class Run:
    args: argparse.Namespace
    stamp: str
    run_dir: Path
    servers: list[Server] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)

    def start(self, name: str, cmd: list[str], env: dict[str, str]) -> Server:
        server = start_server(name, cmd, env, self.args.server_cpu, self.run_dir)
        self.servers.append(server)
        log(f"started {name} (pid {server.pid}, port {server.port}, cpu {self.args.server_cpu})")
        return server

    def stop_all(self) -> None:
        for s in self.servers:
            s.stop()
        self.servers.clear()

    def wrk(self, server: Server, token: str, cards: list[str], query: str, label: str,
            duration: int | None = None) -> dict[str, Any]:
        return run_wrk(server, token, cards, query, duration or self.args.duration,
                       self.args.connections, self.args.load_cpu, self.run_dir, label)


def paired_tracing(run: Run, on: Server, off: Server, token: str, cards: list[str],
                   rounds: int) -> dict[str, Any]:
    """Point 3 side by side: the tracing-on and tracing-off servers under load at once, on the
    same CPU, each driven by its own wrk (as bench/ab.py). Whatever slows the machine slows
    both, so the ratio of their req/s is the ratio of their costs; sequential rounds of one
    server moved by more than the effect measured (run 20261204T165302Z: one tracing-off
    round at 59% of the others)."""
    ratios: list[float] = []
    pairs = []
    for i in range(rounds):
        results: dict[str, dict[str, Any]] = {}

        def load(server: Server, label: str, results: dict[str, dict[str, Any]] = results) -> None:
            results[label] = run.wrk(server, token, cards, LOOKUP, label)

        threads = [threading.Thread(target=load, args=(s, f"paired {i + 1} {name}"))
                   for s, name in ((on, "on"), (off, "off"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        on_run, off_run = results[f"paired {i + 1} on"], results[f"paired {i + 1} off"]
        ratios.append(on_run["rps"] / off_run["rps"])
        pairs.append({"on": on_run, "off": off_run})
        log(f"paired round {i + 1}: tracing costs {1 - ratios[-1]:.1%} of req/s")
    return {"rounds": pairs, "on_over_off": ratios,
            "cost": 1 - statistics.median(ratios),
            "cost_min": 1 - max(ratios), "cost_max": 1 - min(ratios)}


def serve_cmd() -> list[str]:
    return [sys.executable, "-m", "unionhub.cli", "serve", "--workers", "1"]


def human(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k"


def median_of(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def _spread(values: list[float]) -> str:
    """The single rounds' range, so a median near a target is read with its noise."""
    if len(values) < 2:
        return ""
    return f"; single rounds {min(values):.1%} to {max(values):.1%}"


def aggregate(rounds: list[dict[str, dict[str, Any]]], floor_label: str = "floor",
              ) -> dict[str, dict[str, Any]]:
    """Per variant: medians over rounds of req/s, p50, p99, CPU/req, and of the per-round ratios
    against the floor of the same round."""
    out: dict[str, dict[str, Any]] = {}
    for label in rounds[0]:
        runs = [r[label] for r in rounds if label in r]
        floors = [r[floor_label] for r in rounds if label in r]
        out[label] = {
            "rounds": len(runs),
            "rps": round(median_of(runs, "rps"), 1),
            "p50_ms": round(statistics.median(r["latency_us"]["p50"] for r in runs) / 1000, 2),
            "p99_ms": round(statistics.median(r["latency_us"]["p99"] for r in runs) / 1000, 2),
            "cpu_us_per_req": round(median_of(runs, "cpu_us_per_req"), 1),
            "rps_x_floor": round(statistics.median(
                r["rps"] / f["rps"] for r, f in zip(runs, floors, strict=True)), 4),
            "cpu_x_floor": round(statistics.median(
                r["cpu_us_per_req"] / f["cpu_us_per_req"] for r, f in zip(runs, floors, strict=True)), 2),
            "p99_x_floor": round(statistics.median(
                r["latency_us"]["p99"] / f["latency_us"]["p99"] for r, f in zip(runs, floors, strict=True)), 2),
            "non_2xx": sum(r["errors"]["status"] for r in runs),
            "machine_busy": round(statistics.median(r["machine_busy"] for r in runs), 2),
        }
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--members", type=int, default=10_000, help="synthetic members in --database")
    p.add_argument("--database", default=BENCH_DB)
    p.add_argument("--scale", action="store_true",
                   help="also seed --scale-members into --scale-database and compare cold lookups")
    p.add_argument("--scale-members", type=int, default=1_000_000)
    p.add_argument("--scale-database", default="bench_1m")
    p.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the warm variants")
    p.add_argument("--cold-cards", type=int, default=20_000,
                   help="distinct members walked by a cold-cache run (Redis flushed first)")
    p.add_argument("--server-cpu", default="1", help="taskset CPU list for servers ('' = none)")
    p.add_argument("--load-cpu", default="0", help="taskset CPU list for wrk ('' = none)")
    p.add_argument("--no-profile", action="store_true")
    p.add_argument("--cold-only", action="store_true",
                   help="only the cold-cache comparison (with --scale: 10k against 1M)")
    p.add_argument("--cold-rounds", type=int, default=0, help="default: rounds ÷ 2, at least 1")
    p.add_argument("--paired-rounds", type=int, default=5,
                   help="point 3 side by side: tracing on and off under load at once (0: skip)")
    p.add_argument("--patches", default="",
                   help="bench/experiments.py patches for extra 'fixes' servers ('' = none)")
    p.add_argument("--no-mall", action="store_true", help="skip the placeOrder load (point 5)")
    p.add_argument("--grant-members", type=int, default=500_000,
                   help="with --scale: grantVouchers to this many members (0 = skip)")
    p.add_argument("--grant-database", default="bench_grant",
                   help="scratch database for the grant (its schema is rebuilt)")
    p.add_argument("--skip-seed", action="store_true", help="reuse the databases as they are")
    p.add_argument("--report", metavar="JSON", help="only rewrite the markdown of a results file")
    args = p.parse_args()
    if args.report:
        res = json.loads(Path(args.report).read_text())
        md = report(res)
        (RESULTS / f"{res['stamp']}.md").write_text(md)
        (RESULTS / "latest.md").write_text(md)
        print(md)
        return

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_dir = RESULTS / f"{stamp}-work"
    run_dir.mkdir(parents=True, exist_ok=True)
    run = Run(args, stamp, run_dir)
    started = time.time()
    run.results = {
        "stamp": stamp, "machine": {"cpus": os.cpu_count(), "uname": " ".join(os.uname()),
                                    "loadavg_start": Path("/proc/loadavg").read_text().split()[:3]},
        "settings": {k: v for k, v in vars(args).items()},
        "git": sh(["git", "rev-parse", "--short", "HEAD"], check=False).stdout.strip(),
        "git_dirty": bool(sh(["git", "status", "--porcelain", "--", "unionhub"],
                             check=False).stdout.strip()),
        "query": LOOKUP,
    }
    sink: subprocess.Popen | None = None  # the OTLP sink of the export variant
    try:
        ensure_services()
        log(f"wrk {sh(['wrk', '-v'], check=False).stdout.splitlines()[0:1]}")
        if args.skip_seed:
            ensure_database(args.database)
            run.results["seed"] = {"database": args.database, "skipped": True}
        else:
            run.results["seed"] = prepare(args.database, args.members)
        run.results["seed"]["members_in_db"] = synthetic_members(args.database)
        if args.scale:  # seeded before any load so that it disturbs no measurement
            if args.skip_seed:
                run.results["scale_seed"] = {"database": args.scale_database, "skipped": True,
                                             "last_timed": last_seed_timing(args.scale_database)}
            else:
                run.results["scale_seed"] = prepare(args.scale_database, args.scale_members)
            run.results["scale_seed"]["members_in_db"] = synthetic_members(args.scale_database)
        cards = sample_cards(args.database, args.cold_cards)
        hot = [cards[0]]
        flush_cache()

        # Servers: the real one at each tracing setting, all pinned to the same CPU.
        servers = {mode: run.start(f"serve-trace-{mode}", serve_cmd(),
                                   app_env(args.database, env)) for mode, env in TRACING.items()}
        if not args.cold_only:
            sink_port = free_port()
            sink = subprocess.Popen(
                [*(["taskset", "-c", args.load_cpu] if args.load_cpu else []), sys.executable,
                 str(BENCH / "otlp_sink.py"), "--port", str(sink_port), "--stats",
                 str(run_dir / "otlp-sink.json")], start_new_session=True)
            endpoint = {**EXPORT, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT":
                        f"http://127.0.0.1:{sink_port}/v1/traces"}
            servers["export"] = run.start("serve-trace-export", serve_cmd(),
                                          app_env(args.database, endpoint))
            # The same, exporting only slow and failed traces and 1% of the rest.
            servers["export-tail"] = run.start("serve-trace-export-tail", serve_cmd(), app_env(
                args.database, {**endpoint, "UNIONHUB_TRACE_EXPORT_RATIO": "0.01"}))
        fixes_cmd = [sys.executable, str(BENCH / "experiments.py")]
        fixed = {mode: run.start(f"fixes-trace-{mode}", fixes_cmd, app_env(
            args.database, {**TRACING[mode], "BENCH_PATCHES": args.patches}))
            for mode in ("default", "off")} if args.patches else {}
        if args.patches and not args.cold_only:  # the same, without the HTTP server span
            fixed["nohttp"] = run.start("fixes-no-http-span", fixes_cmd, app_env(
                args.database, {"BENCH_PATCHES": args.patches + ",noasgispan"}))
        token = login(servers["default"].port)
        document = lookup(servers["default"].port, token, hot[0])
        (run_dir / "document.json").write_text(json.dumps(document, ensure_ascii=False))
        floor = run.start("floor", [sys.executable, str(BENCH / "floor_app.py"), "--document",
                                    str(run_dir / "document.json")], app_env(args.database))
        run.results["document_bytes"] = len(json.dumps(document).encode())

        # Warm the cache and each server (first requests build caches, import lazily).
        for s in [*servers.values(), *fixed.values()]:
            for _ in range(50):
                lookup(s.port, token, hot[0])
                lookup(s.port, token, hot[0], LOOKUP_NO_ID_NUMBER)
        for s in [floor, *servers.values(), *fixed.values()]:
            run.wrk(s, token, hot, LOOKUP, "warmup", duration=2)

        variants = [  # (label, server, query)
            ("floor", floor, LOOKUP),
            ("lookup (tracing on)", servers["default"], LOOKUP),
            ("lookup (sampling 10%)", servers["ratio10"], LOOKUP),
            ("lookup (tracing off)", servers["off"], LOOKUP),
            ("lookup no idNumber", servers["default"], LOOKUP_NO_ID_NUMBER),
        ]
        if "export" in servers:
            variants += [("lookup (tracing on, OTLP export)", servers["export"], LOOKUP),
                         ("lookup (tracing on, OTLP export: slow, failed, 1%)",
                          servers["export-tail"], LOOKUP)]
        if fixed:
            variants += [("fixes (tracing on)", fixed["default"], LOOKUP),
                         ("fixes (tracing off)", fixed["off"], LOOKUP)]
            if "nohttp" in fixed:
                variants.append(("fixes, no HTTP span (tracing on)", fixed["nohttp"], LOOKUP))
        if args.cold_only:
            variants = variants[:2]
        rounds: list[dict[str, dict[str, Any]]] = []
        for i in range(1 if args.cold_only else args.rounds):
            log(f"round {i + 1}/{args.rounds} (warm cache, one member)")
            order = variants if i % 2 == 0 else [variants[0], *reversed(variants[1:])]
            rounds.append({label: run.wrk(s, token, hot, q, label) for label, s, q in order})
        run.results["warm_rounds"] = rounds
        run.results["warm"] = aggregate(rounds)
        if not args.cold_only and args.paired_rounds:
            run.results["tracing_paired"] = paired_tracing(run, servers["default"],
                                                           servers["off"], token, hot,
                                                           args.paired_rounds)
        # Free their database connections (each pool may hold up to 20): keep what follows needs.
        for s in [servers["ratio10"], servers["off"],
                  *([servers["export"], servers["export-tail"]] if sink else []),
                  *(v for k, v in fixed.items() if k != "default")]:
            s.stop()
            run.servers.remove(s)
        if sink is not None:
            sink.terminate()
            sink.wait(timeout=10)
            stats = run_dir / "otlp-sink.json"
            run.results["otlp_sink"] = json.loads(stats.read_text()) if stats.exists() else None

        # Cold cache (point 4): Redis flushed, every request a different member. With --scale,
        # the large database's server runs beside it (its own login; the same Redis db, so the
        # cache is flushed before every run: member ids overlap between the two databases).
        big = big_token = big_cards = None
        if args.scale:
            big_cards = sample_cards(args.scale_database, args.cold_cards)
            big = run.start("serve-scale", serve_cmd(), app_env(args.scale_database))
            big_token = login(big.port)
            for _ in range(50):
                lookup(big.port, big_token, big_cards[0])
            run.wrk(big, big_token, [big_cards[0]], LOOKUP, "warmup", duration=2)
        small_label, big_label = human(args.members), human(args.scale_members)
        cold_rounds = []
        for _ in range(args.cold_rounds or max(1, args.rounds // 2)):
            r = {"floor": run.wrk(floor, token, hot, LOOKUP, "floor")}
            flush_cache()
            r[f"warm {small_label}"] = run.wrk(servers["default"], token, hot, LOOKUP,
                                               f"warm {small_label}")
            flush_cache()
            r[f"cold {small_label}"] = run.wrk(servers["default"], token, cards, LOOKUP,
                                               f"cold {small_label}")
            if big is not None:
                flush_cache()
                r[f"warm {big_label}"] = run.wrk(big, big_token, [big_cards[0]], LOOKUP,
                                                 f"warm {big_label}")
                flush_cache()
                r[f"cold {big_label}"] = run.wrk(big, big_token, big_cards, LOOKUP,
                                                 f"cold {big_label}")
            cold_rounds.append(r)
        run.results["cold_rounds"] = cold_rounds
        run.results["cold"] = aggregate(cold_rounds)
        if args.scale:
            run.results["scale_explain"] = explain(args.scale_database, big_cards[0])

        if not (args.no_mall or args.cold_only):
            run.results["mall"] = mall_orders(servers["default"], args, run_dir)

        if args.scale and args.grant_members and not args.cold_only:
            run.stop_all()  # nothing else runs while the grant is timed
            run.results["grants"] = grant_vouchers(args.grant_members, args.grant_database)

        if not (args.no_profile or args.cold_only):
            if not run.servers:  # stopped for the grant: the profiled server again
                servers["default"] = run.start("serve-trace-default", serve_cmd(),
                                               app_env(args.database, TRACING["default"]))
                token = login(servers["default"].port)
                for _ in range(50):
                    lookup(servers["default"].port, token, hot[0])
            flush_cache()
            run.results["profile"] = profile(servers["default"], token, hot, 10, args.connections,
                                             args.load_cpu, run_dir, stamp)
            if fixed:
                run.results["profile_fixes"] = profile(fixed["default"], token, hot, 10,
                                                       args.connections, args.load_cpu, run_dir,
                                                       stamp + "-fixes")
    finally:
        run.stop_all()
        if sink is not None and sink.poll() is None:
            sink.kill()
        run.results["elapsed_s"] = round(time.time() - started, 1)
        out = RESULTS / f"{stamp}.json"
        out.write_text(json.dumps(run.results, indent=2, ensure_ascii=False))
        if "warm" in run.results:
            md = report(run.results)
            (RESULTS / "latest.md").write_text(md)
            (RESULTS / f"{stamp}.md").write_text(md)
            print(md)
        log(f"results: {out}")


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


def explain(db: str, card: str) -> str:
    """The plans of the cold path's queries at scale: index scans, no sequential scans."""
    sql = [
        f"SELECT member_id FROM member_cards WHERE number = '{card}' "
        "AND status IN ('ACTIVE','FROZEN') LIMIT 2",
        "SELECT m.*, u.path FROM members m JOIN unions u ON u.id = m.union_id WHERE m.id IN "
        f"(SELECT member_id FROM member_cards WHERE number = '{card}')",
        "SELECT * FROM member_cards WHERE member_id IN "
        f"(SELECT member_id FROM member_cards WHERE number = '{card}') "
        "AND status IN ('ACTIVE','FROZEN') ORDER BY id",
    ]
    return "\n\n".join(psql("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + s, db) for s in sql)


def report(res: dict[str, Any]) -> str:
    warm = res["warm"]
    rows = ["| variant | req/s | × floor req/s | p50 ms | p99 ms | p99 × floor | CPU µs/req | "
            "× floor CPU | non-2xx | machine busy |", "|---|---|---|---|---|---|---|---|---|---|"]

    def row(label: str, a: dict[str, Any]) -> str:
        return (f"| {label} | {a['rps']:,.0f} | {a['rps_x_floor']:.1%} | {a['p50_ms']:.2f} | "
                f"{a['p99_ms']:.2f} | {a['p99_x_floor']:.1f} | {a['cpu_us_per_req']:,.0f} | "
                f"{a['cpu_x_floor']:.1f} | {a['non_2xx']} | {a['machine_busy']:.0%} |")

    rows += [row(k, v) for k, v in warm.items()]
    lines = [f"# UnionHub benchmark {res['stamp']}", "",
             f"git {res.get('git')}{' + uncommitted changes' if res.get('git_dirty') else ''}; "
             f"{res['machine']['cpus']} CPUs, load average at start "
             f"{' '.join(res['machine']['loadavg_start'])}; server pinned to CPU "
             f"{res['settings']['server_cpu']!r}, wrk to {res['settings']['load_cpu']!r}; "
             f"wrk -t1 -c{res['settings']['connections']} -d{res['settings']['duration']}s; "
             f"medians of {res['settings']['rounds']} interleaved rounds. Ratios are against the "
             "floor measured in the same round (bare Starlette route, same uvicorn settings, the "
             f"same {res.get('document_bytes')}-byte member document). The machine is shared: "
             "trust the ratios and CPU µs/req, not absolute req/s.", "",
             f"Database `{res['seed'].get('database', res['settings']['database'])}`: "
             f"{res['seed'].get('members_in_db')} synthetic members. Warm cache, one member, "
             "province cadre token:", "", *rows, ""]
    t_on = warm.get("lookup (tracing on)")
    t_off = warm.get("lookup (tracing off)")
    raw = res.get("warm_rounds") or []
    checks = []
    if t_on:
        rounds_x_floor = [r["lookup (tracing on)"]["rps"] / r["floor"]["rps"]
                          for r in raw if "lookup (tracing on)" in r]
        checks.append(f"- Point 2, ≥ 15% of the floor's req/s: **{t_on['rps_x_floor']:.1%}** "
                      f"({'met' if t_on['rps_x_floor'] >= 0.15 else 'NOT met'}"
                      f"{_spread(rounds_x_floor)}); p99 ≤ 25 ms: "
                      f"**{t_on['p99_ms']:.1f} ms** ({'met' if t_on['p99_ms'] <= 25 else 'NOT met'}).")
    f_on, f_off = warm.get("fixes (tracing on)"), warm.get("fixes (tracing off)")
    if f_on:
        checks.append(f"- Point 2 with the proposed fixes (bench/experiments.py, "
                      f"{res['settings']['patches']}): **{f_on['rps_x_floor']:.1%}** of the floor, "
                      f"p99 **{f_on['p99_ms']:.1f} ms**.")
    if f_on and f_off:
        checks.append(f"- Point 3 with the proposed fixes: tracing on vs off "
                      f"**{1 - f_on['rps'] / f_off['rps']:.1%}** of req/s, "
                      f"**{f_on['cpu_us_per_req'] / f_off['cpu_us_per_req'] - 1:+.1%}** CPU/req.")
    if t_on and t_off:
        cost = 1 - t_on["rps"] / t_off["rps"]
        cpu_cost = t_on["cpu_us_per_req"] / t_off["cpu_us_per_req"] - 1
        rounds_cost = [1 - r["lookup (tracing on)"]["rps"] / r["lookup (tracing off)"]["rps"]
                       for r in raw if "lookup (tracing on)" in r and "lookup (tracing off)" in r]
        paired = res.get("tracing_paired")
        if paired:
            checks.append(
                f"- Point 3, tracing costs ≤ 10%, side by side (both servers under load at once, "
                f"{len(paired['on_over_off'])} rounds): **{paired['cost']:.1%}** of req/s "
                f"({'met' if paired['cost'] <= 0.10 else 'NOT met'}; single rounds "
                f"{paired['cost_min']:.1%} to {paired['cost_max']:.1%}).")
        checks.append(f"- Point 3{', in the sequential rounds above' if paired else ', tracing costs ≤ 10%'}: "
                      f"on vs off **{cost:.1%}** of req/s, **{cpu_cost:+.1%}** CPU per request "
                      f"({'met' if cost <= 0.10 else 'NOT met'} on req/s{_spread(rounds_cost)}).")
    t_export = warm.get("lookup (tracing on, OTLP export)")
    if t_export and t_off:
        sink = res.get("otlp_sink") or {}
        checks.append(f"- Exporting every span as well (OTLP/HTTP to a local sink, default "
                      f"sampler): on vs off **{1 - t_export['rps'] / t_off['rps']:.1%}** of req/s, "
                      f"**{t_export['cpu_us_per_req'] / t_off['cpu_us_per_req'] - 1:+.1%}** CPU "
                      f"per request ({sink.get('requests', '?')} exports, "
                      f"{sink.get('bytes', 0) / 1e6:.1f} MB received by the sink from both export "
                      "variants). Not part of point 3's figure: see bench/README.md, "
                      "'Exporting spans'.")
    t_tail = warm.get("lookup (tracing on, OTLP export: slow, failed, 1%)")
    if t_tail and t_off:
        checks.append(f"- Exporting only slow and failed traces and 1% of the rest "
                      f"(`UNIONHUB_TRACE_EXPORT_RATIO=0.01`): on vs off "
                      f"**{1 - t_tail['rps'] / t_off['rps']:.1%}** of req/s, "
                      f"**{t_tail['cpu_us_per_req'] / t_off['cpu_us_per_req'] - 1:+.1%}** CPU per "
                      "request.")
    if "cold" in res:
        cold = res["cold"]
        crow = ["| variant | req/s | × floor req/s | p50 ms | p99 ms | CPU µs/req | × floor CPU |",
                "|---|---|---|---|---|---|---|"]
        crow += [f"| {k} | {v['rps']:,.0f} | {v['rps_x_floor']:.1%} | {v['p50_ms']:.2f} | "
                 f"{v['p99_ms']:.2f} | {v['cpu_us_per_req']:,.0f} | {v['cpu_x_floor']:.1f} |"
                 for k, v in cold.items()]
        lines += ["Cold cache (Redis db flushed, every request a different member, "
                  f"{res['settings']['cold_cards']} members walked):", "", *crow, ""]
        colds = [k for k in cold if k.startswith("cold ")]
        if len(colds) == 2:
            small, big = cold[colds[0]], cold[colds[1]]
            ratio = big["rps"] / small["rps"]
            checks.append(f"- Point 4, cold lookup at scale within 10%: {colds[1]} / {colds[0]} = "
                          f"**{ratio:.1%}** of req/s, CPU/req ×{big['cpu_us_per_req'] / small['cpu_us_per_req']:.2f}, "
                          f"p99 {small['p99_ms']:.1f} → {big['p99_ms']:.1f} ms "
                          f"({'met' if ratio >= 0.9 else 'NOT met'}).")
            warm_small = cold.get(colds[0].replace("cold", "warm"))
            if warm_small:
                checks.append(f"- Cold {colds[1].split()[1]} against warm {colds[0].split()[1]}: "
                              f"**{big['rps'] / warm_small['rps']:.1%}** of req/s.")
    seed_run = res.get("scale_seed") or {}
    if seed_run and not seed_run.get("seed_members_s") and "last_timed" not in seed_run:
        seed_run["last_timed"] = last_seed_timing(seed_run.get("database", "bench_1m"))
    if seed_run.get("last_timed"):
        seed_run = {**seed_run["last_timed"], "note": f" (timed in {seed_run['last_timed']['from']})"}
    if seed_run.get("seed_members_s"):
        s = seed_run
        checks.append(f"- Point 4, `seed --members {s['members_wanted']}`: **{s['seed_members_s']:.0f} s** "
                      f"for {s['members_added']} members ({s['members_per_s']}/s; "
                      f"{'met' if s['seed_members_s'] <= 300 else 'NOT met'}, target ≤ 300 s)"
                      f"{s.get('note', '')}.")
    if res["seed"].get("seed_members_s"):
        s = res["seed"]
        checks.append(f"- Seeding {s['members_added']} members into `{s['database']}`: "
                      f"{s['seed_members_s']:.1f} s ({s['members_per_s']}/s).")
    mall = res.get("mall")
    if mall:
        f, d, h = mall["floor"], mall["distinct"], mall["hot"]
        lines += [f"Mall (`bench/mall_orders.py`): placeOrder through the tracing-on server, "
                  f"{mall['buyers']} concurrent buyers (one keep-alive connection each), "
                  f"{mall['duration']:g} s; the floor returns the same "
                  f"{mall['document_bytes']}-byte placeOrder response; machine busy "
                  f"{mall['machine_busy']:.0%}:", "",
                  "| variant | orders/s | × floor | p50 ms | p99 ms | CPU µs/req | ok | failed |",
                  "|---|---|---|---|---|---|---|---|"]
        for label, r in (("floor", f), ("distinct SKUs", d), ("one hot SKU (stock 100)", h)):
            lines.append(f"| {label} | {r['rps']:,.0f} | {r['rps'] / f['rps']:.1%} | "
                         f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['cpu_us_per_req']:,.0f} | "
                         f"{r['ok']} | {r['failed'] or ''} |")
        lines.append("")
        checks.append(f"- Point 5, placeOrder with {mall['buyers']} buyers on distinct SKUs ≥ 300 "
                      f"orders/s: **{d['rps']:,.0f}/s** ({d['rps_x_floor']:.1%} of the floor; "
                      f"{'met' if d['rps'] >= 300 else 'NOT met'}), p99 {d['p99_ms']:.0f} ms, "
                      f"{d['cpu_us_per_req']:,.0f} µs server CPU per order.")
        checks.append(f"- Point 5, one hot SKU with stock 100: **{h['ok']} orders** succeeded, "
                      f"the rest {h['failed']}; database: {h['database']['orders']} orders of it, "
                      f"stock {h['database']['stock']} "
                      f"({'met' if h['exactly_stock'] else 'NOT met'}).")
    else:
        checks.append("- Point 5 (placeOrder under load): not part of this run (`--no-mall`).")
    grants = res.get("grants")
    if grants and grants.get("grant_s") is not None:
        checks.append(f"- Point 4, `grantVouchers` to {grants['members']:,} members: "
                      f"**{grants['grant_s']:.0f} s** for {grants['granted']:,} vouchers "
                      f"({'met' if grants['grant_s'] <= 120 and grants['granted'] == grants['members'] else 'NOT met'}"
                      f", target ≤ 120 s; seeding its scratch database {grants['seed_s']:.0f} s; "
                      f"a second run granted {grants['regranted']}).")
    else:
        checks.append("- Point 4, `grantVouchers` to 500k: not part of this run (`--scale` runs "
                      "`bench/mall_grant.py`).")
    lines += ["## Against issue 8", "", *checks, ""]
    for key, what in (("profile", "code as it is"), ("profile_fixes", "with the proposed fixes")):
        prof = res.get(key)
        if prof:
            top = ", ".join(f"{k} {v:.0%}" for k, v in list(prof["self_by_package"].items())[:7])
            name = prof["raw"].replace(".txt", ".md")
            lines += [f"- Profile, {what}: `{name}` ({prof['samples']} samples): self time {top}."]
    lines += [""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
