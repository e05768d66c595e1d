"""The direct path for JSON POSTs answers exactly as strawberry's own view does.

Each request goes to two routes over the same schema: the platform's view (direct path for a
single JSON operation) and the same view with strawberry's `__call__` (the reference). Status,
content type and body must match (the per-request trace id aside).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from unionhub.schema.builder import build_schema
from unionhub.schema.http_view import UnionHubGraphQL


class ReferenceView(UnionHubGraphQL):
    """The same view (context, schema) answered by strawberry's general path only."""

    __call__ = UnionHubGraphQL._general


@pytest.fixture(scope="module")
def views() -> Starlette:
    schema = build_schema()
    return Starlette(routes=[
        Route("/direct", UnionHubGraphQL(schema), methods=["GET", "POST"]),
        Route("/reference", ReferenceView(schema), methods=["GET", "POST"]),
    ])


def _normalised(response: httpx.Response) -> tuple[int, str, Any]:
    content_type = response.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = response.json()
        if isinstance(body, dict):
            body.get("extensions", {}).pop("traceId", None)
    else:
        body = response.text
    return response.status_code, content_type, body


async def _both(views: Starlette, content: bytes, headers: dict[str, str],
                ) -> tuple[tuple[int, str, Any], tuple[int, str, Any]]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=views),
                                 base_url="http://test") as http:
        direct = await http.post("/direct", content=content, headers=headers)
        reference = await http.post("/reference", content=content, headers=headers)
    return _normalised(direct), _normalised(reference)


JSON = {"content-type": "application/json"}
BODIES: dict[str, Any] = {
    "query": {"query": "{ unions { name } }"},
    "named operation": {"query": "query A { unions { name } } query B { unions { id } }",
                        "operationName": "B"},
    "unknown operation name": {"query": "query A { unions { name } }", "operationName": "Z"},
    "two operations, no name": {"query": "query A { unions { name } } query B { unions { id } }"},
    "syntax error": {"query": "{ unions { name "},
    "validation error": {"query": "{ unions { nope } }"},
    "field error": {"query": "{ me { displayName } }"},
    "mutation with a payload error": {
        "query": "mutation L($i: LoginInput!) { login(input: $i) { accessToken errors { code } } }",
        "variables": {"i": {"phone": "13900000999", "password": "wrong-password"}}},
    "missing variable": {"query": "query M($id: ID!) { union(id: $id) { name } }"},
    "no query": {},
    "query null": {"query": None, "variables": None},
    "variables not an object": {"query": "{ unions { name } }", "variables": [1]},
    "extensions not an object": {"query": "{ unions { name } }", "extensions": "x"},
    "query not a string": {"query": 7},
    "batch": [{"query": "{ unions { name } }"}],
    "unknown persisted operation": {
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}},
}


@pytest.mark.parametrize("case", list(BODIES))
async def test_direct_path_answers_as_strawberry(views, factory, case):
    await factory.tree()
    direct, reference = await _both(views, json.dumps(BODIES[case]).encode(), JSON)
    assert direct == reference


@pytest.mark.parametrize("headers", [
    {"content-type": "application/json; charset=utf-8"},
    {"content-type": "Application/JSON"},
    {"content-type": "application/json", "accept": "multipart/mixed; subscriptionSpec=1.0"},
    {"content-type": "application/json", "accept": "text/event-stream"},
    {"content-type": "text/plain"},
])
async def test_content_negotiation_answers_as_strawberry(views, factory, headers):
    await factory.tree()
    direct, reference = await _both(views, b'{"query": "{ unions { name } }"}', headers)
    assert direct == reference


async def test_signed_in_caller_is_seen_on_the_direct_path(views, factory):
    tree = await factory.tree()
    account = await factory.account(tree.all_grassroots[0])
    body = json.dumps({"query": "{ me { displayName } }"}).encode()
    direct, reference = await _both(views, body, {**JSON, "authorization": f"Bearer {account.token}"})
    assert direct == reference
    assert direct[2]["data"]["me"]["displayName"]


@pytest.mark.parametrize("content", [b"{not json", b'{"query": "\xff\xfe"}', b""])
async def test_unreadable_body_is_a_400(views, content):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=views),
                                 base_url="http://test") as http:
        response = await http.post("/direct", content=content, headers=JSON)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json() == {"errors": [{"message": "Unable to parse request body as JSON",
                                           "extensions": {"code": "BAD_REQUEST"}}]}


async def test_body_in_several_chunks_is_read_whole(views, factory):
    await factory.tree()

    async def chunks():
        yield b'{"query": "{ unions'
        yield b' { name } }"}'

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=views),
                                 base_url="http://test") as http:
        response = await http.post("/direct", content=chunks(), headers=JSON)
    assert response.status_code == 200
    assert response.json()["data"]["unions"][0]["name"] == "陕西省总工会"
