"""Vendor GraphiQL's assets into unionhub/static/graphiql/ (issue 19: no CDN).

Takes the exact files strawberry's GraphiQL page loads from the CDN (their URLs and SRI hashes
are in strawberry's own template), from the npm registry with `npm pack`, checks each against
the template's sha384, and writes them gzipped with a manifest. Run it after raising
strawberry's cap when its template pins other versions (tests/test_graphiql.py fails then):

    .venv/bin/python deploy/vendor_graphiql.py
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

from strawberry.http.ides import get_graphql_ide_html

OUT = Path(__file__).resolve().parent.parent / "unionhub" / "static" / "graphiql"
_ASSET = re.compile(r'(?:src|href)="https://unpkg\.com/((@?[^@/"]+(?:/[^@/"]+)?)@([^/"]+)/([^"]+))"'
                    r'\s+integrity="(sha384-[^"]+)"')
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


def main() -> None:
    html = get_graphql_ide_html("graphiql")
    OUT.mkdir(parents=True, exist_ok=True)
    manifest = {}
    with tempfile.TemporaryDirectory() as tmp:
        for url_path, package, version, file_path, integrity in _ASSET.findall(html):
            # (a maintainer's script: npm from PATH, package names from strawberry's template)
            packed = subprocess.run(  # noqa: S603
                ["npm", "pack", "-q", f"{package}@{version}"], cwd=tmp,  # noqa: S607
                check=True, capture_output=True, text=True).stdout.split()[-1]
            with tarfile.open(Path(tmp) / packed) as tar:
                member = tar.extractfile(f"package/{file_path}")
                assert member is not None, url_path
                body = member.read()
            digest = "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()
            if digest != integrity:
                raise SystemExit(f"{url_path}: npm's file is {digest}, the template pins {integrity}")
            name = url_path.replace("/", "__").replace("@", "_at_") + ".gz"
            (OUT / name).write_bytes(gzip.compress(body, 9, mtime=0))
            manifest[url_path] = {"file": name, "integrity": integrity, "npm": f"{package}@{version}",
                                  "content_type": _TYPES[Path(file_path).suffix]}
            print(f"{url_path}: {len(body):,} bytes, {integrity}")
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
