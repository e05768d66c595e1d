"""A tiny OTLP/HTTP trace receiver for tests: accepts protobuf (the Python SDK) and JSON
(Hive Gateway's JS exporter) on /v1/traces and keeps (service name, trace id hex, span name)."""

from __future__ import annotations

import contextlib
import gzip
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

Span = tuple[str, str, str]


def _from_protobuf(body: bytes) -> list[Span]:
    request = ExportTraceServiceRequest.FromString(body)
    spans = []
    for resource_spans in request.resource_spans:
        service = next((a.value.string_value for a in resource_spans.resource.attributes
                        if a.key == "service.name"), "")
        for scope in resource_spans.scope_spans:
            spans += [(service, s.trace_id.hex(), s.name) for s in scope.spans]
    return spans


def _from_json(body: bytes) -> list[Span]:
    spans = []
    for resource_spans in json.loads(body).get("resourceSpans", []):
        service = next((a["value"].get("stringValue", "") for a in
                        resource_spans.get("resource", {}).get("attributes", [])
                        if a["key"] == "service.name"), "")
        for scope in resource_spans.get("scopeSpans", []):
            # OTLP/JSON encodes trace ids as hex strings.
            spans += [(service, s["traceId"].lower(), s["name"]) for s in scope.get("spans", [])]
    return spans


@contextlib.contextmanager
def otlp_receiver(port: int) -> Iterator[list[Span]]:
    received: list[Span] = []

    class Handler(BaseHTTPRequestHandler):
        def _body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                body = b""
                while size := int(self.rfile.readline().strip(), 16):
                    body += self.rfile.read(size)
                    self.rfile.readline()
                self.rfile.readline()
            else:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.headers.get("Content-Encoding", "").lower() == "gzip":
                body = gzip.decompress(body)
            return body

        def do_POST(self) -> None:
            body = self._body()
            if "json" in self.headers.get("Content-Type", ""):
                received.extend(_from_json(body))
                reply, kind = b"{}", "application/json"
            else:
                received.extend(_from_protobuf(body))
                reply, kind = ExportTraceServiceRequest().SerializeToString(), "application/x-protobuf"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield received
    finally:
        server.shutdown()
        server.server_close()
