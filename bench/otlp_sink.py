"""A local OTLP/HTTP endpoint for the export variant of bench/run.py: accepts POST /v1/traces,
counts requests and bytes, answers an empty success, keeps nothing. Run on the load CPU, so the
server under test pays for encoding and sending its spans, not for a collector.

    python bench/otlp_sink.py --port 4318 --stats /tmp/sink.json
"""

from __future__ import annotations

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_counts = {"requests": 0, "bytes": 0}
_lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    stats: Path | None = None

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        with _lock:
            _counts["requests"] += 1
            _counts["bytes"] += len(body)
            if self.stats is not None:
                self.stats.write_text(json.dumps(_counts))
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--stats", type=Path)
    args = parser.parse_args()
    _Handler.stats = args.stats
    ThreadingHTTPServer(("127.0.0.1", args.port), _Handler).serve_forever()


if __name__ == "__main__":
    main()
