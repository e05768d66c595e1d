"""The HTTP edge: body-size limit, CSRF prevention for simple requests, security headers.

Plain ASGI middleware (no per-request allocation beyond what the check needs), so it costs
little on the hot lookup path. CORS is Starlette's own CORSMiddleware with the allow-list
from settings.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from unionhub.refusals import send_refusal

# Headers a browser cannot send cross-site without a CORS preflight: a request carrying one
# cannot be a forged "simple" request (Apollo's CSRF prevention).
_PREFLIGHT_HEADERS = ("x-unionhub-request", "apollo-require-preflight", "x-apollo-operation-name")
_SIMPLE_CONTENT_TYPES = ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data")
# Query-string parameters that make a GET a GraphQL operation (strawberry reads them decoded).
_GRAPHQL_PARAMETERS = frozenset(("query", "operationName", "extensions"))


def _header(scope: Scope, name: bytes) -> str | None:
    """The first `name` header's value (lower-case name), as Starlette's `Headers.get` reads it,
    without building a Headers object per middleware per request."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


async def _reject(send: Send, scope: Scope, status: int, code: str, message: str,
                  default_language: str | None = None) -> None:
    # A GraphQL response (refusals.py), in the request's language.
    await send_refusal(send, scope, status, code, message, default_language=default_language)


class BodySizeLimit:
    """Refuses bodies over `max_bytes` (413), by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int, default_language: str | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.default_language = default_language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = _header(scope, b"content-length")
        if length is not None and length.isdigit():
            if int(length) > self.max_bytes:
                return await _reject(send, scope, 413, "PAYLOAD_TOO_LARGE",
                                     f"request body over {self.max_bytes} bytes",
                                     self.default_language)
            # The server delivers no more than Content-Length says: nothing to count (the
            # hot path, without the two wrappers below).
            return await self.app(scope, receive, send)
        seen = 0
        started = refused = False

        async def limited_receive() -> Message:
            # A body without Content-Length (chunked) is counted as it arrives. The 413 goes
            # out from here, before the app sees the error: the app's own error handling (a
            # 500 from Starlette's or the GraphQL route's) would otherwise answer first.
            nonlocal seen, refused
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                if not started and not refused:
                    refused = True
                    await _reject(send, scope, 413, "PAYLOAD_TOO_LARGE",
                                  f"request body over {self.max_bytes} bytes",
                                  self.default_language)
                raise _BodyTooLarge
            return message

        async def app_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # answered 413 already: the app's answer to the error is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, app_send)
        except _BodyTooLarge:
            pass  # answered (or the app had started its answer: nothing more can be said)


class _BodyTooLarge(Exception):
    pass


class CsrfPrevention:
    """A GraphQL request that a browser could send cross-site without a preflight (a GET with
    an operation, or a POST, without a non-simple Content-Type) must carry a preflight
    header. Mutations over GET are refused by the GraphQL view itself."""

    def __init__(self, app: ASGIApp, path: str = "/graphql",
                 default_language: str | None = None) -> None:
        self.app = app
        self.path = path
        self.default_language = default_language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == self.path and _is_simple(scope):
            headers = Headers(scope=scope)
            if not any(h in headers for h in _PREFLIGHT_HEADERS):
                return await _reject(
                    send, scope, 400, "CSRF_PREVENTED",
                    "send Content-Type: application/json or an X-UnionHub-Request header",
                    self.default_language,
                )
        await self.app(scope, receive, send)


def _is_simple(scope: Scope) -> bool:
    """A request a plain form or link could send cross-site: a GET carrying an operation, or
    a POST, with no Content-Type or a CORS-safelisted one. Any other Content-Type (Apollo
    Client sends application/json even on its hashed GET queries) makes the browser ask
    first (a CORS preflight), so such a request cannot be forged; a GET never runs a mutation
    (the view answers 405)."""
    method = scope["method"]
    if method == "GET":
        if not _names_graphql_parameter(scope.get("query_string", b"")):
            return False
    elif method != "POST":
        return False
    content_type = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
    return content_type in _SIMPLE_CONTENT_TYPES or not content_type


def _names_graphql_parameter(query_string: bytes) -> bool:
    """Does the query string carry an operation? Decoded exactly as the GraphQL view will read
    it (`parse_qsl`, as Starlette's QueryParams): percent-encoded names (`%71uery=`) and
    repeated parameters are seen as what they are; a raw byte search missed `%71uery`."""
    if not query_string:
        return False
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    return any(name in _GRAPHQL_PARAMETERS for name, _ in pairs)


class SecurityHeaders:
    def __init__(self, app: ASGIApp, production: bool) -> None:
        self.app = app
        self.headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        if production:  # GraphiQL (development only) loads scripts from a CDN
            self.headers += [
                (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
                (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
            ]
        self.keep_own_csp = production
        self.without_csp = [h for h in self.headers if h[0] != b"content-security-policy"]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        def send_with_headers(message: Message) -> Awaitable[None]:
            # Returns the server's awaitable: no coroutine of its own per message.
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                extra = self.headers
                # A response with its own policy (the console's pages) keeps it (production).
                if self.keep_own_csp and any(k == b"content-security-policy" for k, _ in headers):
                    extra = self.without_csp
                message = {**message, "headers": [*headers, *extra]}
            return send(message)

        await self.app(scope, receive, send_with_headers)


def edge(app: Any, *, production: bool, max_body_bytes: int, cors_origins: list[str],
         default_language: str | None = None) -> Any:
    from starlette.middleware.cors import CORSMiddleware

    app = CsrfPrevention(app, default_language=default_language)
    app = BodySizeLimit(app, max_body_bytes, default_language)
    if cors_origins:
        app = CORSMiddleware(app, allow_origins=cors_origins, allow_methods=["GET", "POST"],
                             allow_headers=["authorization", "content-type", "accept-language",
                                            *_PREFLIGHT_HEADERS],
                             max_age=600)
    return SecurityHeaders(app, production)
