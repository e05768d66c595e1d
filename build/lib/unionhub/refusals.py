"""HTTP refusals as GraphQL responses, and the GraphQL-over-HTTP media types.

Every 4xx and 5xx body the GraphQL endpoint sends (bad JSON, a batch, a mutation over GET,
CSRF, a body too large, a crash) is a GraphQL response, `{"errors": [{"message", "extensions":
{"code"}}]}`, in `application/graphql-response+json` when the client accepts it and
`application/json` otherwise. Codes: `unionhub.error_codes`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson
from starlette.types import Scope, Send

JSON = b"application/json"
GRAPHQL_RESPONSE = b"application/graphql-response+json"
_GRAPHQL_RESPONSE_NAME = b"graphql-response+json"


def accepts_graphql_response(accept: bytes) -> bool:
    """Whether the `Accept` header prefers application/graphql-response+json (GraphQL over
    HTTP). No Accept header, `*/*` or application/json alone keep the legacy
    application/json answers; between the two, the higher q wins and a tie goes to the new
    type (the spec's preference)."""
    accept = accept.lower()  # (media types are case-insensitive)
    if _GRAPHQL_RESPONSE_NAME not in accept:  # nearly every request: one substring test
        return False
    best_new = best_json = -1.0
    for item in accept.split(b","):
        media, _, params = item.strip().partition(b";")
        media = media.strip()
        q = _quality(params)
        if media == GRAPHQL_RESPONSE:
            best_new = max(best_new, q)
        elif media in (JSON, b"application/*", b"*/*"):
            best_json = max(best_json, q)
    return best_new > 0 and best_new >= best_json


def _quality(params: bytes) -> float:
    for param in params.split(b";"):
        name, _, value = param.strip().partition(b"=")
        if name.strip() == b"q":
            try:
                return float(value)
            except ValueError:
                return 1.0
    return 1.0


def scope_accept(scope: Scope) -> bytes:
    for name, value in scope["headers"]:
        if name == b"accept":
            return value
    return b""


def refusal_body(code: str, message: str, extensions: dict[str, Any] | None = None) -> bytes:
    return orjson.dumps({"errors": [{"message": message,
                                     "extensions": {"code": code, **(extensions or {})}}]})


def scope_language(scope: Scope, default: str | None = None) -> str:
    """The answer's language by the request's Accept-Language (`unionhub.i18n`)."""
    from unionhub.i18n import configured_default, negotiate

    header = next((v for n, v in scope["headers"] if n == b"accept-language"), None)
    return negotiate(header.decode("latin-1") if header else None,
                     default or configured_default())


async def send_refusal(send: Send, scope: Scope, status: int, code: str, message: str,
                       headers: Iterable[tuple[bytes, bytes]] = (),
                       default_language: str | None = None) -> None:
    from unionhub.i18n import translate

    body = refusal_body(code, translate(message, scope_language(scope, default_language)))
    media = GRAPHQL_RESPONSE if accepts_graphql_response(scope_accept(scope)) else JSON
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", media + b"; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})


def http_refusal(status: int, reason: str) -> tuple[int, str, list[tuple[bytes, bytes]]]:
    """Strawberry's HTTP refusals (HTTPException, and the direct path's copies of them) as
    (status, code, extra headers). An operation type the method does not allow is 405 with
    `Allow` (GraphQL over HTTP: a mutation over GET MUST be 405)."""
    if status == 405:
        return 405, "METHOD_NOT_ALLOWED", [(b"allow", b"GET, POST")]
    if reason.endswith("are not allowed when using GET"):
        return 405, "METHOD_NOT_ALLOWED", [(b"allow", b"POST")]
    if status == 404:
        return 404, "NOT_FOUND", []
    return status, "BAD_REQUEST", []
