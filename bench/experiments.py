"""Proposed hot-path changes, applied at start-up so they can be measured beside the code as
it is, without editing unionhub/. Each patch is a prototype of a change recommended in the
benchmark report; once the real change lands in unionhub/, its patch here becomes a no-op to
delete.

    BENCH_PATCHES=noasgispan python bench/experiments.py --port 18200

Patches:
  noasgispan  serve without the HTTP server span middleware (the operation span becomes the
            root): what the HTTP span costs.

Every earlier prototype is real code now and was deleted here: rules (validation rules built
once, unionhub/schema/builder.py), unions (process-local union cache, identity/orgs.py), audit
(group commit, identity/audit.py), jwtcache (identity/tokens.py), onetrip (one Lua round trip,
identity/lookup.py), noreset (asyncpg pool without reset, db.py), gcfreeze (app.py lifespan).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PATCHES: dict[str, Any] = {}  # name -> function applied before the app is built


def apply(names: list[str]) -> list[str]:
    applied = []
    for name in names:
        if name in PATCHES:
            PATCHES[name]()
            applied.append(name)
    return applied


def create_app() -> Any:
    names = [n for n in os.environ.get("BENCH_PATCHES", "").split(",") if n]
    apply(names)
    from unionhub.app import create_app as real_create_app

    app = real_create_app()
    if "noasgispan" in names:
        app = app.app  # the app inside the HTTP server span middleware
    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18200)
    args = parser.parse_args()
    os.chdir(Path(__file__).resolve().parent)
    # The same call shape as unionhub.cli._serve: 1 worker, no access log.
    uvicorn.run("experiments:create_app", factory=True, host=args.host, port=args.port,
                workers=1, access_log=False)


if __name__ == "__main__":
    main()
