"""py-spy profiles of a server under load, summarised by package, marker function and leaf
(bench/run.py's profile, bench/screens.py's --spy).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import LOOKUP, RAW_PROFILES, RESULTS, Server, log, run_wrk, sh

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
