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
