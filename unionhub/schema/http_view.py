"""The GraphQL HTTP endpoint: strawberry's ASGI view, with a direct path for plain JSON POSTs.

Nearly every request the apps make is one operation POSTed as a JSON object. For those, the
view reads the body, builds the context and runs `schema.execute` itself, and writes the JSON
response straight to ASGI: strawberry's general view (request adapters, content-type parsing,
streaming and batch checks, a Starlette Response and a sub-response per request) cost about a
tenth of the hot lookup's CPU (issue 8). Everything else (GET, GraphiQL, multipart, streaming
`Accept` headers, batches, a body whose fields have the wrong types) goes to strawberry's view
unchanged, so its answers stay the reference: tests/test_http_view.py compares the two.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import process_result
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from unionhub import graphiql, outages
from unionhub.identity.revocation import REVOKED
from unionhub.schema.context import Context, context_for_authorization

_POST_OPERATIONS = OperationType.from_http("POST")
# Request headers the direct path reads (raw ASGI names are lower-case bytes).
_WANTED = frozenset((b"content-type", b"accept", b"authorization", b"x-unionhub-router"))


def _headers(scope: Scope) -> dict[bytes, bytes]:
    found: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        if name in _WANTED and name not in found:
            found[name] = value
    return found


def _is_direct(headers: dict[bytes, bytes]) -> bool:
    """A JSON POST that asks for a plain JSON answer (not multipart or event-stream)."""
    # Compared as strawberry compares it (case-sensitively): other spellings get its answer.
    content_type = headers.get(b"content-type", b"").split(b";", 1)[0].strip()
    if content_type != b"application/json":
        return False
    accept = headers.get(b"accept", b"").lower()
    return b"multipart/" not in accept and b"event-stream" not in accept


def _single_operation(data: Any) -> bool:
    """One operation whose fields have the types GraphQL-over-HTTP allows; anything else is
    answered by strawberry's view, with its own messages."""
    return (isinstance(data, dict)
            and isinstance(data.get("query"), str | None)
            and isinstance(data.get("variables"), dict | None)
            and isinstance(data.get("extensions"), dict | None)
            and isinstance(data.get("operationName"), str | None))


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away
            return b"".join(chunks)
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    """A `receive` that hands the already-read body to strawberry's view."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _respond(send: Send, status: int, body: bytes, content_type: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-length", str(len(body)).encode()),
                            (b"content-type", content_type)]})
    await send({"type": "http.response.body", "body": body})


async def _plain(send: Send, status: int, reason: str) -> None:
    # As strawberry answers its HTTPException: a PlainTextResponse.
    await _respond(send, status, reason.encode(), b"text/plain; charset=utf-8")


class UnionHubGraphQL(GraphQL):
    # orjson on both paths: the stdlib's encoder and decoder were ~5% of the hot lookup's CPU.
    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    @property
    def graphql_ide_html(self) -> str:  # GraphiQL's assets from this server, not a CDN
        return graphiql.page_html()

    async def get_context(self, request: Any, response: Any = None) -> Context:
        if "authorization" in request.headers and REVOKED.must_catch_up():
            await REVOKED.catch_up()
        return context_for_authorization(request.headers.get("authorization"), request, response,
                                         request.headers.get("x-unionhub-router"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            return await super().__call__(scope, receive, send)
        headers = _headers(scope)
        if not _is_direct(headers):
            return await super().__call__(scope, receive, send)
        body = await _read_body(receive)
        try:
            data = orjson.loads(body)
        except ValueError:  # malformed JSON or not UTF-8 (orjson's error is a ValueError)
            return await _plain(send, 400, "Unable to parse request body as JSON")
        if not _single_operation(data):
            return await super().__call__(scope, _replay(body), send)
        await self._execute(scope, receive, send, headers, data)

    async def _execute(self, scope: Scope, receive: Receive, send: Send,
                       headers: dict[bytes, bytes], data: dict[str, Any]) -> None:
        authorization = headers.get(b"authorization")
        router = headers.get(b"x-unionhub-router")
        # A token is checked against revocations at most MAX_AGE_SECONDS old (revocation.py):
        # a clock read per request; a wait only for the first request after an idle spell.
        if authorization is not None and REVOKED.must_catch_up():
            await REVOKED.catch_up()
        context = context_for_authorization(
            authorization.decode("latin-1") if authorization is not None else None,
            Request(scope, receive), None,
            router.decode("latin-1") if router is not None else None)
        try:
            result = await self.schema.execute(
                data.get("query"), variable_values=data.get("variables"),
                context_value=context, operation_name=data.get("operationName"),
                allowed_operation_types=_POST_OPERATIONS,
                operation_extensions=data.get("extensions"))
        except CannotGetOperationTypeError as exc:
            return await _plain(send, 400, exc.as_http_error_reason())
        except InvalidOperationTypeError as exc:
            return await _plain(send, 400, exc.as_http_error_reason("POST"))
        except MissingQueryError:
            return await _plain(send, 400, "No GraphQL query found in the request")
        # An outage met with graphql-response+json: 503 (unionhub/outages.py).
        status, processed, content_type = outages.http_answer(headers.get(b"accept"), result,
                                                              process_result(result))
        body = self.encode_json(processed)
        await _respond(send, status, body.encode() if isinstance(body, str) else body,
                       content_type or b"application/json")
