"""The scale-out path shows front-end teams the same API: the five subgraphs behind Hive Gateway
answer the same operations with the same JSON as the all-in-one platform process, and the
gateway's API schema is the platform schema minus federation plumbing."""

from __future__ import annotations

import importlib
import uuid

import httpx
from graphql import (
    build_client_schema,
    get_introspection_query,
    lexicographic_sort_schema,
    print_schema,
)

from tests.gateway_stack import running_stack
from unionhub.domains import DOMAINS
from unionhub.identity import seed as identity_seed
from unionhub.identity.models import Member

ME = """{ me { id displayName union { id name }
  orders { id status payableFen items { quantity } member { displayName union { name } } }
  vouchers { id status campaign { name } }
  activities(first: 5) { status activity { name organizer { name } } }
  serviceRequests(first: 5) { id status item { name } }
  articleReads { day article { title } }
  card { __typename } } }"""
ORDER = """query O($id: ID!) { order(id: $id) { id status member { displayName union { name } }
  union { name } items { quantity } } }"""
UNIONS = """{ unions { name } }"""
FEED = """query F($u: ID) { articles(unionId: $u, first: 5) { edges { cursor node {
  title kind pinned readCount union { name level } } } pageInfo { hasNextPage } } }"""
UNION_ARTICLES = """query U($u: ID!) { union(id: $u) { name articles { title kind } } }"""
PRODUCTS = """{ products(first: 3) { edges { node { name skus { id name priceFen } } } } }"""
PLACE = """mutation P($i: PlaceOrderInput!) { placeOrder(input: $i) { order { id }
  errors { code field } } }"""


def _is_plumbing(type_name: str) -> bool:
    """Federation's own types: `_Any`, `_Entity`, `_Service`, `_FieldSet`, and imported
    spec scalars such as `requiresScopes__Scope` (introspection types start with `__`)."""
    if type_name.startswith("__"):
        return False
    return type_name.startswith("_") or "__" in type_name


async def _seed(gql, factory) -> dict[str, str]:
    tree = await identity_seed.seed_demo()
    for domain in DOMAINS[1:]:
        await importlib.import_module(f"unionhub.{domain}.seed").seed_demo(tree)
    by_phone = {}
    for phone in ("13900000002", "13900000003", "13900000004", "13900000006"):
        member = await Member.get(phone_bidx=identity_seed.phone_index(phone))
        cadre_org = None
        if phone == "13900000003":
            cadre_org = tree.counties["A"]
        elif phone == "13900000004":
            cadre_org = tree.province
        by_phone[phone] = factory.token_for(member, cadre_org)
    # An order by 张三丰, so the cross-subgraph order → member → union path has data.
    products = await gql(PRODUCTS, token=by_phone["13900000002"])
    sku = products.data["products"]["edges"][0]["node"]["skus"][0]["id"]
    placed = await gql(PLACE, {"i": {"items": [{"skuId": sku, "quantity": 1}],
                                     "idempotencyKey": uuid.uuid4().hex,
                                     "address": {"recipient": "张三丰", "phone": "13812345678",
                                                 "regionCode": "610113", "detail": "科技路 10 号"}}},
                       token=by_phone["13900000002"])
    assert placed.data["placeOrder"]["errors"] == [], placed.data
    by_phone["order"] = placed.data["placeOrder"]["order"]["id"]
    by_phone["county"] = str(tree.counties["A"].id)
    by_phone["grassroots"] = str(tree.grassroots["A"][0].id)
    return by_phone


def _outcome(response: httpx.Response) -> tuple:
    body = response.json()
    codes = sorted(e.get("extensions", {}).get("code", "") for e in body.get("errors", []))
    return body.get("data"), codes


def _api_schema(introspection: dict) -> str:
    """The SDL clients can see: no federation types, fields or directives."""
    schema = introspection["__schema"]
    schema["types"] = [t for t in schema["types"] if not _is_plumbing(t["name"])]
    for t in schema["types"]:
        if t["name"] == schema["queryType"]["name"]:
            t["fields"] = [f for f in t["fields"] if f["name"] not in ("_entities", "_service")]
    schema["directives"] = [d for d in schema["directives"]
                            if d["name"] in ("skip", "include", "deprecated", "specifiedBy")]
    return print_schema(lexicographic_sort_schema(build_client_schema(introspection)))


async def test_gateway_answers_like_the_platform(gql, factory, tmp_path):
    tokens = await _seed(gql, factory)
    cases = [(ME, None, tokens[p]) for p in ("13900000002", "13900000006", "13900000004")]
    cases += [(ORDER, {"id": tokens["order"]}, tokens[p])
              for p in ("13900000002", "13900000003", "13900000004", "13900000006")]
    cases += [(ME, None, None), (UNIONS, None, tokens["13900000002"]),
              (PRODUCTS, None, tokens["13900000002"])]
    # content: the feed (its union crosses to identity), a union's articles (identity's entity
    # gaining content's field), for a member inside the chain, one outside it and a guest.
    for token in (tokens["13900000002"], tokens["13900000006"], None):
        cases += [(FEED, {"u": tokens["grassroots"]}, token),
                  (UNION_ARTICLES, {"u": tokens["county"]}, token)]
    cases += [(FEED, None, tokens["13900000002"])]
    with running_stack(tmp_path) as stack:
        async with httpx.AsyncClient(timeout=20) as http:
            for query, variables, token in cases:
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                body = {"query": query, "variables": variables or {}}
                via_gateway = await http.post(stack.gateway_url, json=body, headers=headers)
                direct = await http.post(stack.platform_url, json=body, headers=headers)
                assert _outcome(via_gateway) == _outcome(direct), (query, token is not None)
            # The cross-subgraph reads did return data (not two equal nulls).
            me = (await http.post(stack.gateway_url, json={"query": ME},
                                  headers={"Authorization": f"Bearer {tokens['13900000002']}"})).json()
            member = me["data"]["me"]
            assert member["orders"][0]["member"]["union"]["name"] == member["union"]["name"]
            assert member["activities"] or member["serviceRequests"] or member["vouchers"]
            feed = (await http.post(stack.gateway_url, json={"query": FEED, "variables": {
                "u": tokens["grassroots"]}}, headers={"Authorization": f"Bearer {tokens['13900000002']}"})).json()
            assert feed["data"]["articles"]["edges"][0]["node"]["union"]["name"]
            # Messages follow the client's Accept-Language behind the router too (issue 24).
            chinese = {"Accept-Language": "zh-CN"}
            via_gateway = (await http.post(stack.gateway_url, json={"query": ME},
                                           headers=chinese)).json()
            direct = (await http.post(stack.platform_url, json={"query": ME},
                                      headers=chinese)).json()
            assert [e["message"] for e in via_gateway["errors"]] == ["请先登录"]
            assert via_gateway["errors"][0]["message"] == direct["errors"][0]["message"]
            introspect = {"query": get_introspection_query(descriptions=True)}
            gateway_schema = (await http.post(stack.gateway_url, json=introspect)).json()["data"]
            platform_schema = (await http.post(stack.platform_url, json=introspect)).json()["data"]
    assert _api_schema(gateway_schema) == _api_schema(platform_schema)
