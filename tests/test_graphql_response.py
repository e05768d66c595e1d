"""application/graphql-response+json (GraphQL over HTTP) on the direct path and on strawberry's
view: spec status codes, no `data` key on request errors; application/json unchanged."""

from __future__ import annotations

import pytest

from unionhub.refusals import accepts_graphql_response

NEW = {"accept": "application/graphql-response+json"}
CSRF_OK = {"X-UnionHub-Request": "1"}


@pytest.mark.parametrize(("accept", "new"), [
    (b"", False), (b"*/*", False), (b"application/json", False),
    (b"application/graphql-response+json", True),
    (b"application/graphql-response+json, application/json;q=0.9", True),  # Apollo Client 4
    (b"application/json, application/graphql-response+json", True),  # a tie: the new type
    (b"application/json, application/graphql-response+json;q=0.5", False),
    (b"application/graphql-response+json;q=0", False),
    (b"Application/GraphQL-Response+JSON", True),
])
def test_accept_negotiation(accept, new):
    assert accepts_graphql_response(accept) is new


@pytest.mark.parametrize("method", ["POST", "GET"])  # the direct path; strawberry's view
async def test_request_errors_have_no_data_and_a_4xx(http, factory, method):
    await factory.tree()

    async def ask(query: str, headers: dict[str, str], variables: str | None = None):
        if method == "POST":
            body = {"query": query, **({"variables": variables} if variables else {})}
            return await http.post("/graphql", json=body, headers=headers)
        params = {"query": query, **({"variables": variables} if variables else {})}
        return await http.get("/graphql", params=params, headers={**headers, **CSRF_OK})

    ok = await ask("{ unions { name } }", NEW)
    assert ok.status_code == 200
    assert ok.headers["content-type"] == "application/graphql-response+json; charset=utf-8"
    assert ok.json()["data"]["unions"]
    for query in ("{ unions { nope } }", "{ unions {"):
        bad = await ask(query, NEW)
        assert bad.status_code == 400 and "data" not in bad.json(), bad.json()
        assert bad.headers["content-type"].startswith("application/graphql-response+json")
        legacy = await ask(query, {"accept": "application/json"})
        assert legacy.status_code == 200 and legacy.json()["data"] is None
        assert legacy.headers["content-type"] == "application/json"
    # A field error beside data is an executed operation: 200 under both.
    partial = await ask("{ unions { name } me { displayName } }", NEW)
    assert partial.status_code == 200 and partial.json()["data"]["unions"]
    assert partial.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_hashed_get_with_a_json_content_type_is_not_a_forgery(http, factory):
    """Apollo Client's hashed GET queries carry Content-Type: application/json, which a plain
    form or link cannot send (the browser would ask first): let through. A GET without it, or
    with a form's content type, still needs the preflight header; a GET never runs a mutation."""
    import json

    from unionhub.schema.persisted import operation_hash

    await factory.tree()
    query = "query Unions { unions { name } }"
    params = {"operationName": "Unions", "extensions": json.dumps(
        {"persistedQuery": {"version": 1, "sha256Hash": operation_hash(query)}})}
    json_type = {"content-type": "application/json", "accept": "application/json"}
    miss = await http.get("/graphql", params=params, headers=json_type)
    assert miss.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    await http.post("/graphql", json={"query": query, "extensions": json.loads(
        params["extensions"])})  # the client's retry registers the text
    hit = await http.get("/graphql", params=params, headers=json_type)
    assert hit.status_code == 200 and hit.json()["data"]["unions"]
    for forged in ({}, {"content-type": "text/plain"},
                   {"content-type": "application/x-www-form-urlencoded"}):
        refused = await http.get("/graphql", params=params,
                                 headers={**forged, "accept": "application/json"})
        assert refused.json()["errors"][0]["extensions"]["code"] == "CSRF_PREVENTED"
    mutation = await http.get("/graphql", params={"query": "mutation { logout }"},
                              headers=json_type)
    assert mutation.status_code == 405


async def test_production_runs_hashed_get_queries_only_when_enabled(factory):
    """Production serves no GraphQL over GET; with persisted_queries_via_get a query sent by
    hash alone runs (Apollo's CDN-cacheable mode), and nothing else does: no query text over
    GET, no mutation by hash."""
    import json

    import httpx
    from starlette.applications import Starlette
    from starlette.routing import Route

    from unionhub.schema.builder import build_schema
    from unionhub.schema.http_view import UnionHubGraphQL
    from unionhub.schema.persisted import operation_hash

    await factory.tree()
    schema = build_schema(production=True)
    query, mutation = "query Unions { unions { name } }", "mutation Out { logout { sessionsEnded } }"

    def app(enabled: bool) -> httpx.AsyncClient:
        view = UnionHubGraphQL(schema, graphql_ide=None, allow_queries_via_get=False,
                               persisted_queries_via_get=enabled)
        return httpx.AsyncClient(transport=httpx.ASGITransport(
            app=Starlette(routes=[Route("/graphql", view, methods=["GET", "POST"])])),
            base_url="http://test")

    def hashed(text: str, name: str) -> dict[str, str]:
        return {"operationName": name, "extensions": json.dumps(
            {"persistedQuery": {"version": 1, "sha256Hash": operation_hash(text)}})}

    json_type = {"content-type": "application/json", "accept": "application/json"}
    async with app(True) as on, app(False) as off:
        for text in (query, mutation):  # register both texts (APQ over POST)
            await on.post("/graphql", json={"query": text, "extensions": json.loads(
                hashed(text, "x")["extensions"])}, headers={"content-type": "application/json"})
        hit = await on.get("/graphql", params=hashed(query, "Unions"), headers=json_type)
        assert hit.status_code == 200 and hit.json()["data"]["unions"], hit.text
        # A cache in front keeps one answer per caller and language, and none of a signed-in
        # caller's in a shared cache.
        assert hit.headers["vary"] == "Authorization, Accept, Accept-Language"
        assert "cache-control" not in hit.headers
        for accept in ("application/json", "application/graphql-response+json"):
            miss = await on.get("/graphql", params=hashed("query Nope { unions { id } }",
                                                          "Nope"),
                                headers={**json_type, "accept": accept})
            assert "PERSISTED_QUERY_NOT_FOUND" in miss.text  # an error is never cached
            assert miss.headers["cache-control"] == "no-store", accept
        member = await factory.account()
        signed_in = await on.get("/graphql", params=hashed(query, "Unions"), headers={
            **json_type, "authorization": f"Bearer {member.token}"})
        assert signed_in.status_code == 200 and signed_in.json()["data"]["unions"]
        assert signed_in.headers["cache-control"] == "private, no-store"
        refused = await off.get("/graphql", params=hashed(query, "Unions"), headers=json_type)
        assert refused.status_code == 405
        text_over_get = await on.get("/graphql", params={"query": query}, headers=json_type)
        assert text_over_get.status_code == 405
        by_hash = await on.get("/graphql", params=hashed(mutation, "Out"), headers=json_type)
        assert by_hash.status_code == 405  # a GET never runs a mutation
