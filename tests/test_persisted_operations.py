"""Persisted operations: manifest (safelist) lookups and automatic persisted queries (APQ)."""

from __future__ import annotations

import json

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from unionhub.schema.builder import build_schema
from unionhub.schema.http_view import UnionHubGraphQL
from unionhub.schema.persisted import add_to_manifest, load_manifest, operation_hash

REGISTERED = "query Roots { unions { name } }"
OTHER = "query Other { unions { id } }"


def client_for(schema) -> httpx.AsyncClient:
    app = Starlette(routes=[Route("/graphql", UnionHubGraphQL(schema), methods=["GET", "POST"])])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


def persisted(digest: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


@pytest.fixture
def manifest(tmp_path):
    path = tmp_path / "operations.json"
    add_to_manifest(path, [REGISTERED])
    return load_manifest(path)


async def test_manifest_operation_runs_by_hash(factory, manifest):
    await factory.tree()
    async with client_for(build_schema(manifest=manifest)) as http:
        body = (await http.post("/graphql", json={"extensions": persisted(operation_hash(REGISTERED))})).json()
    assert body["data"]["unions"][0]["name"] == "陕西省总工会"


async def test_apq_miss_then_register_then_hit(factory, manifest):
    await factory.tree()
    digest = operation_hash(OTHER)
    async with client_for(build_schema(manifest=manifest)) as http:
        miss = (await http.post("/graphql", json={"extensions": persisted(digest)})).json()
        assert miss["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        full = (await http.post("/graphql", json={"query": OTHER, "extensions": persisted(digest)})).json()
        assert "errors" not in full
        hit = (await http.post("/graphql", json={"extensions": persisted(digest)})).json()
        assert hit["data"] == full["data"]
        wrong = (await http.post("/graphql", json={"query": REGISTERED, "extensions": persisted(digest)})).json()
        assert wrong["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"


async def test_safelist_refuses_unregistered_text(factory, manifest):
    await factory.tree()
    async with client_for(build_schema(manifest=manifest, safelist_only=True)) as http:
        refused = (await http.post("/graphql", json={"query": OTHER})).json()
        assert refused["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
        assert refused.get("data") is None
        apq = (await http.post("/graphql", json={"query": OTHER,
                                                 "extensions": persisted(operation_hash(OTHER))})).json()
        assert apq["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
        allowed = (await http.post("/graphql", json={"query": REGISTERED})).json()
        assert allowed["data"]["unions"]
        by_hash = (await http.post("/graphql", json={"extensions": persisted(operation_hash(REGISTERED))})).json()
        assert by_hash["data"] == allowed["data"]


def test_manifest_rejects_a_tampered_entry(tmp_path):
    path = tmp_path / "operations.json"
    path.write_text(json.dumps({operation_hash(REGISTERED): "query X { me { id } }"}))
    with pytest.raises(ValueError, match="does not match"):
        load_manifest(path)


def test_cli_registers_operations(tmp_path, capsys):
    from unionhub.cli import main

    op = tmp_path / "roots.graphql"
    op.write_text(REGISTERED + "\n")
    manifest = tmp_path / "ops.json"
    main(["operations", "add", str(op), "--manifest", str(manifest)])
    assert load_manifest(manifest) == {operation_hash(REGISTERED): REGISTERED}
    assert operation_hash(REGISTERED) in capsys.readouterr().out


async def test_safelist_lets_the_router_run_the_planners_documents(factory, manifest):
    """Behind a gateway the subgraphs get the query planner's documents, in no manifest: the
    router (proven by its secret) runs them; a wrong secret or none is refused as before."""
    from unionhub.settings import get_settings

    await factory.tree()
    async with client_for(build_schema(manifest=manifest, safelist_only=True)) as http:
        router = {"X-UnionHub-Router": get_settings().router_secret}
        planned = (await http.post("/graphql", json={"query": OTHER}, headers=router)).json()
        assert "errors" not in planned, planned
        assert planned["data"]["unions"]
        for headers in ({"X-UnionHub-Router": "a guess"}, {}):
            refused = (await http.post("/graphql", json={"query": OTHER},
                                       headers=headers)).json()
            assert refused["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
            assert refused.get("data") is None


async def _registered(http: httpx.AsyncClient, query: str) -> tuple[dict, bool]:
    """Sends `query` with its hash as an APQ registration, then its hash alone: (the first
    answer, whether the text was kept)."""
    digest = operation_hash(query)
    sent = (await http.post("/graphql", json={"query": query,
                                               "extensions": persisted(digest)})).json()
    again = (await http.post("/graphql", json={"extensions": persisted(digest)})).json()
    kept = "PERSISTED_QUERY_NOT_FOUND" not in json.dumps(again)
    return sent, kept


async def test_apq_keeps_only_texts_that_validated(factory, manifest):
    await factory.tree()
    async with client_for(build_schema(manifest=manifest)) as http:
        for broken, code in (("query Broken { unions { nope } }", "GRAPHQL_VALIDATION_FAILED"),
                             ("query Cut { unions { ", "GRAPHQL_PARSE_FAILED"),
                             ("not graphql at all " * 1000, "GRAPHQL_PARSE_FAILED")):
            sent, kept = await _registered(http, broken)
            assert sent["errors"][0]["extensions"]["code"] == code, sent
            assert not kept, broken[:40]
        sent, kept = await _registered(http, OTHER)  # the control: a valid text is kept
        assert "errors" not in sent and kept


async def test_apq_never_keeps_a_string_literal(factory, manifest):
    # A client that inlines values instead of variables: the operation runs, and its text
    # (a phone, a password) is not left in Redis.
    from unionhub import cache

    await factory.tree()
    login = ('mutation L { login(input: {phone: "13800000000", password: "a-secret-pw"}) '
             '{ accessToken errors { code } } }')
    byvar = ('mutation V($p: String!, $w: String!) { login(input: {phone: $p, password: $w}) '
             '{ accessToken errors { code } } }')
    default = 'query D($s: String = "13800000000") { unions { name } }'
    async with client_for(build_schema(manifest=manifest)) as http:
        for query in (login, default):
            sent, kept = await _registered(http, query)
            assert "data" in sent and not kept, query
        assert not [k async for k in cache.get_redis().scan_iter("apq:*")]
        digest = operation_hash(byvar)
        sent = (await http.post("/graphql", json={
            "query": byvar, "variables": {"p": "13800000000", "w": "a-secret-pw"},
            "extensions": persisted(digest)})).json()
        assert sent["data"]["login"]["errors"], sent  # refused, and its text kept
        assert await cache.get_redis().get(f"apq:v1:{digest}") is not None


async def test_apq_keeps_no_oversized_text_and_few_per_client(factory, manifest):
    from unionhub.schema.persisted import APQ_MAX_BYTES, APQ_REGISTRATIONS

    await factory.tree()
    async with client_for(build_schema(manifest=manifest)) as http:
        huge = f"query {'Q' * APQ_MAX_BYTES} {{ unions {{ id }} }}"
        sent, kept = await _registered(http, huge)
        assert sent["data"]["unions"] and not kept
        for i in range(APQ_REGISTRATIONS.limit):
            sent, kept = await _registered(http, f"query N{i} {{ unions {{ id }} }}")
            assert kept, i
        sent, kept = await _registered(http, "query Over { unions { id } }")
        assert sent["data"]["unions"] and not kept  # run, not kept
