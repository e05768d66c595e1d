"""Issue 17: what the wider audit costs the warm hot lookup.

Since issue 17 a cadre's unmasked name and phone reads are audited as the ID number's always
were, so the lookup every app screen makes (name, phone and ID number) writes three chained
audit rows per request where it wrote one. Three servers from this tree run at once, pinned
to the same CPU, each under its own wrk (bench/ab.py's method), each asked for a different
selection of the same member:
- `wide`: name, phone and idNumber (three audit rows: the lookup as apps send it);
- `id-only`: idNumber alone (one row: what the lookup wrote before issue 17);
- `none`: no unmasked field (no audit row).
The cost of the wider audit is 1 - wide/id-only; of the whole audit, 1 - wide/none.

    .venv/bin/python bench/audit_width.py --rounds 5      # needs the `bench` database
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ab  # bench/ab.py: start a server from a tree, rounds side by side
import harness as R  # the benchmarks' shared harness

_FIELDS = "id displayName tier union { name } card { number status }"
QUERIES = {
    "wide": R.LOOKUP,
    "id-only": ("query MemberByCard($cardNo: String) { member(cardNo: $cardNo) { "
                f"{_FIELDS} idNumber }} }}"),
    "none": f"query MemberByCard($cardNo: String) {{ member(cardNo: $cardNo) {{ {_FIELDS} }} }}",
}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--duration", type=int, default=8)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--server-cpu", default="1")
    p.add_argument("--load-cpu", default="0")
    args = p.parse_args()

    run_dir = Path(os.environ.get("TMPDIR", "/tmp")) / "unionhub-audit-width"
    run_dir.mkdir(exist_ok=True)
    servers = tuple(ab.start(R.ROOT, name, run_dir, args.server_cpu, {}) for name in QUERIES)
    try:
        token = R.login(servers[0].port)
        cards = R.sample_cards(R.BENCH_DB, 1)
        for server in servers:
            R.lookup(server.port, token, cards[0], QUERIES[server.name])
        rounds = []
        for i, results in enumerate(ab.rounds_side_by_side(servers, token, cards, args, run_dir,
                                                           QUERIES)):
            rps = {name: results[name]["rps"] for name in QUERIES}
            rounds.append(rps)
            R.log(f"round {i + 1}: " + ", ".join(f"{k} {v:,.0f} req/s" for k, v in rps.items()))
        wider = [1 - r["wide"] / r["id-only"] for r in rounds]
        whole = [1 - r["wide"] / r["none"] for r in rounds]
        summary = {
            "wider_audit_cost_median": round(statistics.median(wider), 4),
            "wider_audit_cost_rounds": [round(x, 4) for x in wider],
            "whole_audit_cost_median": round(statistics.median(whole), 4),
            "whole_audit_cost_rounds": [round(x, 4) for x in whole],
        }
        print(f"the wider audit (3 rows against 1) costs the warm lookup "
              f"{summary['wider_audit_cost_median']:.1%} (rounds {min(wider):.1%} to "
              f"{max(wider):.1%}); the whole audit (3 rows against none) "
              f"{summary['whole_audit_cost_median']:.1%}")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        out = R.RESULTS / f"audit-width-{stamp}.json"
        out.write_text(json.dumps({
            "when": stamp, "git": R.sh(["git", "rev-parse", "--short", "HEAD"]).stdout.strip(),
            "args": vars(args), "loadavg": Path("/proc/loadavg").read_text().split()[:3],
            "summary": summary, "rounds_rps": rounds}, indent=1))
        R.log(f"wrote {out.relative_to(R.ROOT)}")
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
