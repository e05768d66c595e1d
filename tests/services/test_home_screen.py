"""The home screen's request list (bench/gateway.py's HOME): the fields every list shows are
plain attributes the compiled executor reads without a resolver call, answering as
graphql-core does (the `compiled` part off), and a member's new request shows at once."""

from __future__ import annotations

from typing import Any

from graphql import parse

from tests.services.helpers import make_item, principal
from unionhub.fastpath import switch
from unionhub.fastpath.compiled import compile_operation
from unionhub.schema.builder import build_schema
from unionhub.services import requests

HOME = ("query Home { me { id displayName tier union { name } card { number status } } "
        "myVouchers { id status validUntil campaign { name faceValueFen } } "
        "myServiceRequests(first: 5) { edges { node { id status submittedAt deadline "
        "item { name } } } } }")


def test_the_request_fields_a_list_shows_are_attribute_reads():
    schema = build_schema()._schema
    compiled = compile_operation(schema, parse(HOME), "Home")
    assert compiled is not None
    node = parse(HOME).definitions[0].selection_set.selections[2]  # type: ignore[attr-defined]
    edges = node.selection_set.selections[0].selection_set.selections[0].selection_set
    plan = compiled.plan(schema.get_type("ServiceRequest"), (edges,), (0,))
    assert {f.key: f.attr for f in plan} == {
        "id": "id", "status": "status", "submittedAt": "submitted_at", "deadline": "deadline",
        "item": None}


async def _home(gql: Any, token: str, compiled: bool) -> Any:
    previous = switch.set_switches(switch.Switches(compiled=compiled))
    try:
        r = await gql(HOME, token=token)
    finally:
        switch.set_switches(previous)
    assert r.errors == [], r.errors
    return r.data


async def test_home_answers_as_graphql_core_and_shows_a_new_request_at_once(gql, factory):
    tree = await factory.tree()
    county = tree.counties["A"]
    cadre = await factory.cadre(county)
    member = await factory.account(tree.grassroots["A"][0])
    item = await make_item(cadre, county, name="劳动争议法律咨询")
    first = await requests.submit(principal(member), item.id, "d")
    before = await _home(gql, member.token, compiled=True)
    assert before == await _home(gql, member.token, compiled=False)
    [edge] = before["myServiceRequests"]["edges"]
    assert edge["node"]["id"] == str(first.id)
    assert edge["node"]["status"] == "SUBMITTED"
    assert edge["node"]["item"] == {"name": "劳动争议法律咨询"}
    assert edge["node"]["submittedAt"] and edge["node"]["deadline"]

    second = await requests.submit(principal(member), item.id, "again")
    after = await _home(gql, member.token, compiled=True)
    assert [e["node"]["id"] for e in after["myServiceRequests"]["edges"]] == [
        str(second.id), str(first.id)]
    assert after == await _home(gql, member.token, compiled=False)
