"""Persisted operations at the gateway (issue 22, point 6): given the manifest `unionhub
operations add` writes, Hive Gateway runs a request that carries only the operation's hash, and
answers it as the platform answers the text; an unknown hash and, in safelist mode, text are
refused with the platform's codes."""

from __future__ import annotations

import httpx
import pytest

from tests.gateway_stack import running_stack
from unionhub.schema.persisted import add_to_manifest, operation_hash

# Crosses subgraphs: identity answers `me`, mall the orders, activities the enrolments.
CROSS = """query Cross { me { displayName union { name } orders { id }
  activities(first: 1) { status } } }"""
UNIONS = "query Unions { unions { name } }"


def by_hash(query: str) -> dict:
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": operation_hash(query)}}}


def _codes(body: dict) -> list[str]:
    return [e.get("extensions", {}).get("code", "") for e in body.get("errors", [])]


async def test_a_hashed_request_through_the_gateway_answers_like_the_text_direct(factory,
                                                                                   tmp_path):
    member = await factory.account()
    manifest = tmp_path / "operations.json"
    add_to_manifest(manifest, [CROSS, UNIONS])
    auth = {"Authorization": f"Bearer {member.token}"}
    with running_stack(tmp_path, gateway_env={
            "UNIONHUB_PERSISTED_OPERATIONS_FILE": str(manifest)}) as stack:
        async with httpx.AsyncClient(timeout=20) as http:
            for query in (CROSS, UNIONS):
                hashed = (await http.post(stack.gateway_url, json=by_hash(query),
                                          headers=auth)).json()
                direct = (await http.post(stack.platform_url, json={"query": query},
                                          headers=auth)).json()
                assert "errors" not in hashed, hashed
                assert hashed["data"] == direct["data"]
            assert hashed["data"]["unions"], "the hashed request read real data"
            cross = (await http.post(stack.gateway_url, json=by_hash(CROSS), headers=auth)).json()
            assert cross["data"]["me"]["displayName"] == member.member.display_name
            # The trace id still reaches the client (the gateway's plugin runs on hashed requests).
            assert len(cross["extensions"]["traceId"]) == 32
            # Not safelist mode: text runs as before; an unknown hash is the platform's miss.
            text = (await http.post(stack.gateway_url, json={"query": UNIONS}, headers=auth)).json()
            assert text["data"] == hashed["data"]
            unknown = (await http.post(stack.gateway_url, json=by_hash("{ unions { id } }"),
                                       headers=auth)).json()
            assert _codes(unknown) == ["PERSISTED_QUERY_NOT_FOUND"]
            assert unknown["errors"][0]["message"] == "PersistedQueryNotFound"  # APQ clients resend


@pytest.mark.parametrize("on", ["true", "1"])  # "1" as the platform's settings take it
async def test_safelist_gateway_runs_only_hashes(factory, tmp_path, on):
    member = await factory.account()
    manifest = tmp_path / "operations.json"
    add_to_manifest(manifest, [UNIONS])
    auth = {"Authorization": f"Bearer {member.token}"}
    with running_stack(tmp_path, gateway_env={
            "UNIONHUB_PERSISTED_OPERATIONS_FILE": str(manifest),
            "UNIONHUB_PERSISTED_OPERATIONS_ONLY": on}) as stack:
        async with httpx.AsyncClient(timeout=20) as http:
            refused = (await http.post(stack.gateway_url, json={"query": "{ unions { id } }"},
                                       headers=auth)).json()
            assert _codes(refused) == ["PERSISTED_QUERY_REQUIRED"]
            assert "data" not in refused or refused["data"] is None
            hashed = (await http.post(stack.gateway_url, json=by_hash(UNIONS),
                                      headers=auth)).json()
            assert hashed["data"]["unions"]


async def test_subgraphs_in_safelist_mode_serve_the_gateway(factory, tmp_path):
    """Safelist everywhere: the gateway runs only the manifest's hashes, and the subgraphs,
    also in safelist mode, run the planner's documents because the gateway proves itself with
    the router secret; a client reaching a subgraph directly is still refused."""
    member = await factory.account()
    manifest = tmp_path / "operations.json"
    add_to_manifest(manifest, [CROSS])
    auth = {"Authorization": f"Bearer {member.token}"}
    safelist = {"UNIONHUB_PERSISTED_OPERATIONS_FILE": str(manifest),
                "UNIONHUB_PERSISTED_OPERATIONS_ONLY": "true"}
    with running_stack(tmp_path, extra_env=safelist, gateway_env=safelist) as stack:
        async with httpx.AsyncClient(timeout=20) as http:
            cross = (await http.post(stack.gateway_url, json=by_hash(CROSS), headers=auth)).json()
            assert "errors" not in cross, cross
            assert cross["data"]["me"]["displayName"] == member.member.display_name
            # The planner's kind of document, sent to the platform without the secret.
            planned = (await http.post(stack.platform_url, json={
                "query": "query($x:Int){me{displayName}}"}, headers=auth)).json()
            assert _codes(planned) == ["PERSISTED_QUERY_REQUIRED"]
