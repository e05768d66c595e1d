"""The HTTP server span: one per request, continuing the caller's W3C trace context.

On the GraphQL path the server span is also the operation span: the operation adopts it
(`claim_operation_span`), names it after the operation and adds its attributes, instead of
opening a second span under it. One span fewer per request (issue 8: each costs 15-20 µs of a
~500 µs lookup); the span still covers the whole request, body and response included, and a
request refused before any operation runs (bad JSON, CSRF, a batch) keeps the HTTP name.

It replaces OpenTelemetry's ASGI middleware, which cost about a tenth of the hot lookup's CPU
(send/receive wrappers, semantic-convention switches, metric instruments with no meter
provider behind them). It records the same span (name, kind, and the attributes that
middleware sets under the default, pre-stable HTTP conventions), except that the URL
attributes hold the path only: a GET /graphql?query=... may carry personal data, and the
client's address is kept as its network only (`client.network`, see `client_network`).
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Awaitable, Callable, MutableMapping
from contextvars import ContextVar
from time import perf_counter
from typing import Any

from opentelemetry import propagate
from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from unionhub import after_response
from unionhub.observability.metrics import HTTP_SERVER_DURATION
from unionhub.observability.slow_operations import OPERATION_ATTRIBUTE
from unionhub.observability.tracing import active_span, slow_operation_recorder

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Headers the propagators read (W3C trace context and baggage, the SDK's default): only these
# are copied out of a request's headers.
_PROPAGATION_HEADERS = frozenset((b"traceparent", b"tracestate", b"baggage"))
# A metric label takes the known methods only (the semantic conventions' `_OTHER` for the rest):
# a client chooses the method, and each label value is a series.
_METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT",
                      "TRACE"))


# The GraphQL request's server span until an operation claims it (a one-slot list, so that it is
# claimed once even by code that copied the context).
_unclaimed: ContextVar[list[Span | None] | None] = ContextVar("unionhub_server_span", default=None)


def claim_operation_span() -> Span | None:
    """The current request's server span, if it is a GraphQL request whose span no operation has
    claimed yet (the caller then names it and sets its attributes, but does not end it)."""
    slot = _unclaimed.get()
    if slot is None or slot[0] is None:
        return None
    span, slot[0] = slot[0], None
    return span


def _attributes(scope: Scope) -> dict[str, Any]:
    # The ASGI middleware's attributes under the old HTTP conventions, without its duplicates
    # (url.full, url.query, http.server_name): each attribute costs every request.
    path = scope.get("path", "")
    attributes: dict[str, Any] = {
        "http.scheme": scope.get("scheme", "http"),
        "http.flavor": scope.get("http_version", "1.1"),
        "http.method": scope.get("method", ""),
        "http.url": path, "http.target": path,
    }
    server = scope.get("server")
    if server:
        attributes["http.host"] = f"{server[0]}:{server[1]}"
    for name, value in scope.get("headers") or ():
        if name == b"user-agent":
            attributes["http.user_agent"] = value.decode("latin-1")
            break
    client = scope.get("client")
    if client:
        attributes["client.network"] = client_network(client[0])
    return attributes


@functools.lru_cache(maxsize=4096)
def client_network(address: str) -> str:
    """The client's /24 (IPv4) or /48 (IPv6) network: an IP address is personal data (PIPL)
    and never goes into a span; its network still tells operators where traffic comes from.
    Neither the address nor the port is kept. Cached: the same clients (the gateway, a few
    proxies) call again and again."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"  # a unix socket's or a test client's name, not an address
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


class HttpServerSpan:
    """Also records `http.server.request.duration` for every request, traced or not, by
    method, route (one of `routes`, else "other": a path is not a bounded label) and status."""

    def __init__(self, app: ASGIApp, operation_path: str | None = "/graphql",
                 routes: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.operation_path = operation_path
        self.routes = routes | {operation_path} if operation_path else routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = perf_counter()
        carrier = {name.decode("latin-1"): value.decode("latin-1")
                   for name, value in scope.get("headers") or () if name in _PROPAGATION_HEADERS}
        parent = propagate.extract(carrier) if carrier else None
        path = scope.get("path", "")
        method = scope.get("method", "HTTP")
        name = f"{method} {path}"
        attributes = _attributes(scope)
        is_operation = path == self.operation_path
        if is_operation:  # the slow-operation recorder watches it from its start
            attributes[OPERATION_ATTRIBUTE] = True
        status = [500]  # what the client got: 500 unless a response started
        deferred = after_response.start()
        try:
            with active_span(name, context=parent, kind=SpanKind.SERVER,
                             attributes=attributes) as span:
                token = _unclaimed.set([span]) if is_operation else None
                try:
                    await self._call(span, scope, receive, send, status)
                finally:
                    if token is not None:
                        _unclaimed.reset(token)
                    HTTP_SERVER_DURATION.record(perf_counter() - started, (
                        method if method in _METHODS else "_OTHER",
                        path if path in self.routes else "other", status[0]))
        finally:
            # After the response (the caller does not wait): e.g. linking the audit rows the
            # request's transactions committed (unionhub/after_response.py).
            await after_response.finish(deferred)
        recorder = slow_operation_recorder()
        if recorder.pending:  # after the response: a slow record costs the caller nothing
            await recorder.flush()

    async def _call(self, span: Span, scope: Scope, receive: Receive, send: Send,
                    status: list[int]) -> None:
        recording = span.is_recording()  # sampled out: nothing to add to the span

        def send_and_record(message: Message) -> Awaitable[None]:
            # A plain function handing back the server's own awaitable: no coroutine of its
            # own per message.
            if message["type"] == "http.response.start":
                code = status[0] = message["status"]
                if recording:
                    span.set_attribute("http.status_code", code)
                    if code >= 500:
                        span.set_status(Status(StatusCode.ERROR))
            return send(message)

        await self.app(scope, receive, send_and_record)
