"""The benchmarks' shared harness: the database and Redis db they use, seeding, servers pinned
to a CPU, sign-in and lookups over HTTP, and wrk's load with the CPU each side spent. Every
script under bench/ imports it (`import harness as R`); bench/run.py is the lookup's run.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
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


def serve_cmd() -> list[str]:
    return [sys.executable, "-m", "unionhub.cli", "serve", "--workers", "1"]


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
