"""The GraphQL HTTP endpoint: strawberry's ASGI view, with a direct path for plain JSON POSTs.

Nearly every request the apps make is one operation POSTed as a JSON object. For those, the
view reads the body, builds the context and runs `schema.execute` itself, and writes the JSON
response straight to ASGI: strawberry's general view (request adapters, content-type parsing,
streaming and batch checks, a Starlette Response and a sub-response per request) cost about a
tenth of the hot lookup's CPU (issue 8). Everything else (GET, GraphiQL, multipart, streaming
`Accept` headers, batches, a body whose fields have the wrong types) goes to strawberry's view
unchanged, so its answers stay the reference: tests/test_http_view.py compares the two.

Both paths answer in `application/graphql-response+json` when the client prefers it (GraphQL
over HTTP): a request that fails before execution (no `data` key) gets the status of its
error's code (`unionhub.error_codes`), anything executed 200. `application/json` answers as
before (200 with `"data": null`). HTTP refusals are GraphQL responses too (`refusals`).
"""

from __future__ import annotations

from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import process_result
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from unionhub import graphiql, outages
from unionhub.error_codes import request_status
from unionhub.i18n import N_, translate_response
from unionhub.identity.revocation import REVOKED
from unionhub.refusals import (
    GRAPHQL_RESPONSE,
    accepts_graphql_response,
    http_refusal,
    scope_language,
    send_refusal,
)
from unionhub.schema.context import Context, context_for_authorization

_POST_OPERATIONS = OperationType.from_http("POST")
_HASHED_GET_OPERATIONS = frozenset({OperationType.QUERY})
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


async def _refuse(send: Send, scope: Scope, status: int, reason: str,
                  default_language: str | None) -> None:
    # As the general path answers strawberry's HTTPException (`_general`).
    status, code, headers = http_refusal(status, reason)
    await send_refusal(send, scope, status, code, reason, headers, default_language)


_GRAPHQL_RESPONSE_TYPE = GRAPHQL_RESPONSE + b"; charset=utf-8"


def as_graphql_response(response: dict[str, Any]) -> int:
    """Shapes `response` for application/graphql-response+json and returns its status: a
    request error (nothing executed: `data` null and no error with a path) loses its `data`
    key and takes its first error's status; anything executed is 200."""
    errors = response.get("errors")
    if response.get("data") is None and errors and not any("path" in e for e in errors):
        response.pop("data", None)
        return request_status(errors[0].get("extensions", {}).get("code"))
    return 200


class UnionHubGraphQL(GraphQL):
    def __init__(self, schema: Any, *, default_language: str | None = None,
                 persisted_queries_via_get: bool = False, **options: Any) -> None:
        super().__init__(schema, **options)
        # Messages follow Accept-Language; without one, this (None: the setting).
        self.default_language = default_language
        # With GET queries off (production): still run a query sent by hash alone over GET
        # (Apollo's useGETForHashedQueries, for CDN caching). Never a mutation.
        self.persisted_queries_via_get = persisted_queries_via_get

    async def execute_single(self, request: Any, request_adapter: Any, sub_response: Any,
                             context: Any, root_value: Any, request_data: Any) -> Any:
        if not (self.persisted_queries_via_get and not self.allow_queries_via_get
                and request_adapter.method == "GET" and request_data.query is None
                and isinstance(request_data.extensions, dict)
                and "persistedQuery" in request_data.extensions):
            return await super().execute_single(request, request_adapter, sub_response,
                                                context, root_value, request_data)
        # A cache in front may keep this answer: one per caller, media type and language at
        # most, never a signed-in caller's (personal data) in a shared cache, and never an
        # error (`create_response`: a miss, a refusal, an outage would outlive their cause).
        sub_response.headers["vary"] = "Authorization, Accept, Accept-Language"
        if "authorization" in request.headers:
            sub_response.headers["cache-control"] = "private, no-store"
        # Strawberry's execute_single, with queries allowed over GET for this request only.
        try:
            return await self.schema.execute(
                request_data.query, root_value=root_value, variable_values=request_data.variables,
                context_value=context, operation_name=request_data.operation_name,
                allowed_operation_types=_HASHED_GET_OPERATIONS,
                operation_extensions=request_data.extensions)
        except CannotGetOperationTypeError as e:
            raise HTTPException(400, e.as_http_error_reason()) from e
        except InvalidOperationTypeError as e:
            raise HTTPException(400, e.as_http_error_reason("GET")) from e
        except MissingQueryError as e:
            raise HTTPException(400, "No GraphQL query found in the request") from e

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
        context = context_for_authorization(request.headers.get("authorization"), request,
                                            response, request.headers.get("x-unionhub-router"))
        context.default_language = self.default_language
        return context

    async def process_result(self, request: Any, result: Any) -> Any:
        response = await super().process_result(request, result)
        if response.get("errors"):  # messages in the request's language (`unionhub.i18n`)
            translate_response(response, scope_language(request.scope, self.default_language))
        return response

    async def get_sub_response(self, request: Any) -> Response:
        sub_response = await super().get_sub_response(request)
        # Read back in create_response, which strawberry gives no request.
        sub_response.graphql_response = accepts_graphql_response(  # type: ignore[attr-defined]
            request.headers.get("accept", "").encode("latin-1"))
        return sub_response

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        if ("vary" in sub_response.headers and isinstance(response_data, dict)
                and response_data.get("errors")):  # a hashed GET's error: never cached
            sub_response.headers["cache-control"] = "no-store"
        if not getattr(sub_response, "graphql_response", False) or isinstance(response_data,
                                                                              list):
            return super().create_response(response_data, sub_response)
        status = as_graphql_response(response_data)
        if any((e.get("extensions") or {}).get("code") == "SERVICE_UNAVAILABLE"
               for e in response_data.get("errors") or ()):
            # An outage is a 503 under this media type here too, as on the direct path
            # (unionhub/outages.py: the error was classified and masked already).
            status = 503
            response_data.pop("data", None)
        response = super().create_response(response_data, sub_response)
        response.status_code = sub_response.status_code or status
        response.headers["content-type"] = _GRAPHQL_RESPONSE_TYPE.decode()
        return response

    async def _general(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry's view, with its HTTP refusals answered as GraphQL responses."""
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        try:
            response = await self.run(Request(scope, receive))
        except HTTPException as e:
            return await _refuse(send, scope, e.status_code, e.reason, self.default_language)
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            return await self._general(scope, receive, send)
        headers = _headers(scope)
        if not _is_direct(headers):
            return await self._general(scope, receive, send)
        body = await _read_body(receive)
        try:
            data = orjson.loads(body)
        except ValueError:  # malformed JSON or not UTF-8 (orjson's error is a ValueError)
            return await _refuse(send, scope, 400, N_("Unable to parse request body as JSON"),
                                 self.default_language)
        if not _single_operation(data):
            return await self._general(scope, _replay(body), send)
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
        context.default_language = self.default_language
        try:
            result = await self.schema.execute(
                data.get("query"), variable_values=data.get("variables"),
                context_value=context, operation_name=data.get("operationName"),
                allowed_operation_types=_POST_OPERATIONS,
                operation_extensions=data.get("extensions"))
        except CannotGetOperationTypeError as exc:
            return await _refuse(send, scope, 400, exc.as_http_error_reason(),
                                 self.default_language)
        except InvalidOperationTypeError as exc:
            return await _refuse(send, scope, 400, exc.as_http_error_reason("POST"),
                                 self.default_language)
        except MissingQueryError:
            return await _refuse(send, scope, 400, N_("No GraphQL query found in the request"),
                                 self.default_language)
        response = process_result(result)
        if response.get("errors"):  # (a response without errors does no catalogue work)
            translate_response(response, scope_language(scope, self.default_language))
        status, content_type = 200, b"application/json"
        accept = headers.get(b"accept", b"")
        if accepts_graphql_response(accept):
            status, content_type = as_graphql_response(response), _GRAPHQL_RESPONSE_TYPE
            # An outage is a 503 under that media type, even where a field met it
            # (unionhub/outages.py); application/json keeps 200.
            outage_status, response, _ = outages.http_answer(accept, result, response)
            if outage_status != 200:
                status = outage_status
        body = self.encode_json(response)
        await _respond(send, status, body.encode() if isinstance(body, str) else body,
                       content_type)
