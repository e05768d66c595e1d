"""POST /graphql past Starlette's router: the same answers as through it."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from unionhub.app import server_error
from unionhub.graphql_route import GraphQLRoute


class _FailingView:  # an ASGI app instance, as the GraphQL view is (Route mounts it as one)
    async def __call__(self, scope, receive, send) -> None:
        raise RuntimeError("boom")


class _HalfSentView:
    async def __call__(self, scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("boom after the start")


async def _other(_request) -> PlainTextResponse:
    return PlainTextResponse("other")


def _apps(view) -> tuple[Starlette, GraphQLRoute]:
    starlette = Starlette(routes=[Route("/graphql", view, methods=["GET", "POST"]),
                                  Route("/other", _other)],
                          exception_handlers={Exception: server_error})  # as the platform's
    return starlette, GraphQLRoute(starlette, view)


async def _post(app, path: str = "/graphql") -> httpx.Response:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.post(path, json={"query": "{ __typename }"})


async def test_an_unhandled_error_answers_500_as_starlette_does():
    starlette, direct = _apps(_FailingView())
    through, past = await _post(starlette), await _post(direct)
    assert past.status_code == through.status_code == 500
    assert past.json() == through.json() == {"errors": [{
        "message": "Internal Server Error", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}
    assert past.headers["content-type"] == through.headers["content-type"]
    assert past.headers["content-length"] == through.headers["content-length"]


async def test_the_error_still_reaches_the_server():
    _, direct = _apps(_FailingView())
    transport = httpx.ASGITransport(app=direct)  # raises what the app raises
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        with pytest.raises(RuntimeError, match="boom"):
            await client.post("/graphql", json={})


async def test_no_second_start_once_the_response_started():
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    _, direct = _apps(_HalfSentView())
    scope = {"type": "http", "method": "POST", "path": "/graphql", "headers": []}
    with pytest.raises(RuntimeError):
        await direct(scope, receive, send)
    assert [m["type"] for m in sent] == ["http.response.start"]


async def test_other_requests_go_through_starlette():
    _, direct = _apps(_FailingView())
    assert (await _post(direct, "/other")).status_code == 405  # Starlette's method check
    transport = httpx.ASGITransport(app=direct)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/other")).text == "other"
        with pytest.raises(RuntimeError):  # GET /graphql reaches the view through the router
            await client.get("/graphql")


async def test_the_platform_serves_graphql_posts_through_it(http):
    # `http` drives the whole app (tests/conftest.py): the edge's headers wrap the route.
    response = await http.post("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 200 and response.json() == {
        "data": {"__typename": "Query"}, "extensions": response.json()["extensions"]}
    assert response.headers["x-content-type-options"] == "nosniff"
