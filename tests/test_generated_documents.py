"""Documents generated over the real schema (Hypothesis, hypothesis-graphql) answer the same with
the fast path on and off: every root query field, arguments of every kind, nested selections,
fragments on abstract types and aliases, as an operator (who may read most of it) over a small
tree of unions. The fast path is the compiled executor, the direct resolvers and the pipeline's
own execute; off, graphql-core's executor and strawberry's execute and resolvers run."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes, queries

from tests.conftest import GraphQLClient
from tests.normalised_answers import _normal
from tests.tracing_helpers import verified_member
from unionhub.app import create_app
from unionhub.fastpath import switch
from unionhub.fastpath.switch import Switches
from unionhub.schema.builder import build_schema
from unionhub.settings import Settings

_SCHEMA = build_schema()._schema
# Federation's own root fields are the router's (a secret header), not the clients'. Fields
# that read what the previous request wrote (the audit trail every read of personal data
# extends, the slow-operation list) answer differently the second time whatever the mode.
_STATEFUL = {"auditLog", "myPersonalData", "slowOperations"}
_ROOT_FIELDS = sorted(name for name in _SCHEMA.query_type.fields
                      if not name.startswith("_") and name not in _STATEFUL)
_SCALARS = {
    "Date": st.sampled_from(["2026-01-31", "1999-12-31", "not a date"]).map(nodes.String),
    "DateTime": st.sampled_from(["2026-01-31T08:00:00+08:00", "2026-13-01T00:00:00"]).map(
        nodes.String),
    "JSON": st.sampled_from(["{}", "[1]"]).map(nodes.String),
    "_Any": st.just(nodes.String("x")),
    # Ids that exist (the tree's unions, its members, cards' owners) more often than not.
    "ID": st.integers(min_value=1, max_value=20).map(lambda i: nodes.String(str(i))),
}

_state: dict[str, Any] = {}


@pytest.fixture(scope="module")
def apps() -> tuple[Any, Any]:
    """(fast, slow) apps, with a cost limit that lets the generated documents run (the limits
    themselves are the pipeline's, the same in both modes: tests/test_limits.py)."""
    previous = switch.set_switches(Switches())
    try:
        return tuple(create_app(settings=Settings(fast_path=fast, max_query_cost=10**9),
                                manage_connections=False) for fast in (True, False))
    finally:
        switch.set_switches(previous)


async def _ask(app: Any, switches: Switches, query: str, token: str) -> tuple[int, Any]:
    previous = switch.set_switches(switches)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            result = await GraphQLClient(client)(query, token=token)
        return result.status, _normal(result.body, {})
    finally:
        switch.set_switches(previous)


@pytest.fixture
async def tokens(gql: Any, factory: Any) -> dict[str, str]:
    """An operator, a county cadre, and a verified member of that county with a card."""
    tree = await factory.tree()
    member = await verified_member(gql, tree)
    return {"operator": (await factory.operator()).token,
            "cadre": (await factory.cadre(tree.counties["A"])).token,
            "member": member["access"]}


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(query=st.sampled_from(_ROOT_FIELDS).flatmap(lambda field: queries(
           _SCHEMA, fields=[field], custom_scalars=_SCALARS, allow_x00=False)),
       who=st.sampled_from(["operator", "cadre", "member"]))
async def test_generated_documents_answer_the_same_in_both_modes(apps, tokens, query, who):
    """One root field per document (one refused field nulls a whole document's data), asked
    by each kind of user."""
    fast_app, slow_app = apps
    fast = await _ask(fast_app, Switches(), query, tokens[who])
    slow = await _ask(slow_app, Switches.of(False), query, tokens[who])
    assert slow == fast, query
