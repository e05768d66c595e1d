"""The fast path on and off (`UNIONHUB_FAST_PATH`, unionhub/fastpath/switch.py) serve the same:
one scenario (sign-up, the hot lookup cold and cached, a search, refusals, bad input, a
ciphertext moved from another member's row) run in
each mode from empty tables, compared answer by answer, span by span and audit row by row."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan

from tests.conftest import SPAN_EXPORTER, GraphQLClient, empty_everything
from tests.factories import Factory
from tests.normalised_answers import _normal
from tests.tracing_helpers import BY_CARD, SEARCH, verified_member
from unionhub import cache, db
from unionhub.app import create_app
from unionhub.fastpath import switch
from unionhub.fastpath.switch import Switches
from unionhub.identity import lookup
from unionhub.identity.models import AuditLog
from unionhub.settings import Settings, get_settings

# Span attributes that differ from run to run (the client's port, durations, ids).
_VOLATILE_ATTRIBUTES = {"net.peer.port", "client.port", "network.peer.port", "http.duration"}


@pytest.fixture(scope="module")
def slow_app() -> Any:
    previous = switch.set_switches(Switches())
    try:
        return create_app(settings=Settings(fast_path=False), manage_connections=False)
    finally:
        switch.set_switches(previous)


async def _client(app: Any) -> AsyncIterator[GraphQLClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield GraphQLClient(client)


def _span(span: ReadableSpan, names: dict[int, str]) -> tuple[Any, ...]:
    attributes = {k: v for k, v in (span.attributes or {}).items()
                  if k not in _VOLATILE_ATTRIBUTES}
    if attributes.get("db.system") == "redis" and not get_settings().redis_url:
        attributes.pop("net.peer.name", None)  # fakeredis names each client's server anew
    parent = names.get(span.parent.span_id) if span.parent else None
    return (span.name, span.kind.name, parent, span.status.status_code.name,
            json.dumps(attributes, sort_keys=True, default=str),
            tuple(event.name for event in span.events))


def _trace_shape(spans: list[ReadableSpan]) -> list[tuple[Any, ...]]:
    """A request's spans without their ids and times: name, kind, parent's name, status,
    attributes and events, sorted (the order processors see ends in may differ)."""
    names = {s.context.span_id: s.name for s in spans}
    return sorted(_span(s, names) for s in spans)


async def _scenario(gql: GraphQLClient) -> tuple[list[Any], list[Any]]:
    """(answers, traces) of the scenario, each answer beside its request's spans."""
    answers: list[Any] = []
    traces: list[Any] = []
    seen: dict[str, int] = {}
    factory = Factory(gql)
    tree = await factory.tree()
    member = await verified_member(gql, tree)
    cadre = await factory.cadre(tree.counties["A"])
    stranger = await factory.cadre(tree.counties["B"])
    await lookup.invalidate_member(int(member["id"]))
    requests: list[tuple[str, dict[str, Any] | None, str | None]] = [
        (BY_CARD, {"cardNo": member["card"]}, cadre.token),  # cold: the database, then Redis
        (BY_CARD, {"cardNo": member["card"]}, cadre.token),  # cached: the one-round-trip read
        (BY_CARD, {"cardNo": member["card"]}, stranger.token),  # out of scope
        (BY_CARD, {"cardNo": "6222000000000000999"}, cadre.token),  # no such card
        (BY_CARD, {"cardNo": 12}, cadre.token),  # bad variable
        (SEARCH, {"u": str(tree.counties["A"].id), "s": "张"}, cadre.token),
        ("{ member(cardNo: 1) { id nope } }", None, cadre.token),  # invalid
        ("query { __typename ... on Query { a: __typename } }", None, None),
    ]
    async def ask(query: str, variables: dict[str, Any] | None, token: str | None) -> None:
        SPAN_EXPORTER.clear()
        result = await gql(query, variables, token=token)
        answers.append((result.status, _normal(result.body, seen)))
        trace_id = (result.body.get("extensions") or {}).get("traceId")
        spans = [s for s in SPAN_EXPORTER.get_finished_spans()
                 if format(s.context.trace_id, "032x") == trace_id]
        traces.append(_trace_shape(spans))

    for query, variables, token in requests:
        await ask(query, variables, token)
    # The cadre's ID number moved into the member's row (a raw UPDATE): refused the same way,
    # twice (a record that does not authenticate is not cached).
    moved = await db.conn().execute_query_dict(
        f"SELECT id_number_enc FROM members WHERE id = {cadre.member.id:d}")
    await db.conn().execute_script(f"UPDATE members SET id_number_enc = "
                                   f"'{moved[0]['id_number_enc']}' WHERE id = {member['id']}")
    await lookup.invalidate_member(int(member["id"]))
    for _ in range(2):
        await ask(BY_CARD, {"cardNo": member["card"]}, cadre.token)
    assert "PERSONAL_DATA_UNREADABLE" in str(answers[-1])
    return answers, traces


async def _audit_rows() -> list[Any]:
    rows = await AuditLog.all().order_by("seq").values(
        "seq", "actor_id", "action", "subject_type", "subject_id", "detail", "union_id")
    return [json.loads(json.dumps(row, sort_keys=True, default=str)) for row in rows]


async def _run(app: Any, switches: Switches) -> tuple[list[Any], list[Any], list[Any]]:
    await empty_everything()
    if not db.is_postgres():  # ids from 1 again, as TRUNCATE ... RESTART IDENTITY does
        await db.conn().execute_script("DELETE FROM sqlite_sequence")
    # Loaded in both runs (else the first run's NOSCRIPT reply and retry are its alone).
    await cache.get_redis().script_load(lookup._BY_CARD_SCRIPT)
    previous = switch.set_switches(switches)
    try:
        async for gql in _client(app):
            answers, traces = await _scenario(gql)
        await cache.close_redis()  # the next run starts on a new client and connection
        return answers, traces, await _audit_rows()
    finally:
        switch.set_switches(previous)


async def test_both_modes_answer_trace_and_audit_the_same(app, slow_app):
    fast = await _run(app, Switches())
    slow = await _run(slow_app, Switches.of(False))
    for (fast_answer, slow_answer) in zip(fast[0], slow[0], strict=True):
        assert slow_answer == fast_answer
    assert any(shape for shape in fast[1]), "expected the lookups to be traced"
    for fast_trace, slow_trace in zip(fast[1], slow[1], strict=True):
        assert slow_trace == fast_trace
    assert fast[2] and slow[2] == fast[2]


async def test_the_slow_mode_takes_the_public_paths(slow_app):
    """Not a fast-path part in sight: SDK spans (exported as the SDK's ReadableSpan copies),
    the pool's connections, strawberry's resolver wrappers, and strawberry's runner."""
    from opentelemetry.sdk.trace import ReadableSpan as SdkReadable
    from strawberry.extensions.runner import SchemaExtensionsRunner

    from unionhub.fastpath.execution import PipelineRunner
    from unionhub.schema.builder import build_schema

    previous = switch.set_switches(Switches.of(False))
    try:
        async for slow in _client(slow_app):
            result = await slow("{ __typename }")
            assert result.data == {"__typename": "Query"}
        assert {type(s) for s in SPAN_EXPORTER.get_finished_spans()} == {SdkReadable}
        assert isinstance(cache.shared_connection(), cache.PooledConnection)
        schema = build_schema()
        resolve = schema._schema.query_type.fields["member"].resolve
        assert resolve.__module__ != "unionhub.fastpath.lean"
        runner = schema.create_extensions_runner(None, [schema.extensions[0]()])
        assert type(runner) is SchemaExtensionsRunner and not isinstance(runner, PipelineRunner)
        switch.set_switches(Switches())
        assert not isinstance(cache.shared_connection(), cache.PooledConnection)
        assert build_schema()._schema.query_type.fields["member"].resolve.__module__ == \
            "unionhub.fastpath.lean"
    finally:
        switch.set_switches(previous)


def test_unknown_parts_are_refused():
    with pytest.raises(ValueError, match="unknown fast-path parts"):
        Settings(fast_path_off="spans,warp")
    assert Settings(fast_path_off="spans, redis").fast_path_off == "spans, redis"
    assert not re.search("warp", ",".join(switch.COMPONENTS))


def test_the_hot_histograms_export_as_the_sdks_own():
    """The fast path's `metrics` part off, a hot histogram records into the SDK's histogram:
    the same data points (attributes, count, sum, buckets) reach the readers."""
    from tests.metrics_helpers import points
    from unionhub.fastpath.hot_metrics import HotHistogram

    values = [0.0004, 0.003, 0.003, 0.2, 12.0]
    keys = [("GET", "/x"), ("GET", "/x"), ("POST", None), ("GET", "/x"), ("POST", None)]
    shapes = []
    for mode, name in ((False, "unionhub.test.hot"), (True, "unionhub.test.sdk")):
        histogram = HotHistogram(name, "s", "parity", ("method", "route"))
        enabled, to_sdk = HotHistogram.enabled, HotHistogram.to_sdk
        HotHistogram.enabled, HotHistogram.to_sdk = not mode, mode
        try:
            for value, key in zip(values, keys, strict=True):
                histogram.record(value, key)
        finally:
            HotHistogram.enabled, HotHistogram.to_sdk = enabled, to_sdk
        if not mode:  # the hot one is collected through the provider's wrapped callback
            from unionhub.fastpath import hot_metrics

            hot_metrics.REGISTRY.append(histogram)
        try:
            found = points(name)
        finally:
            if not mode:
                hot_metrics.REGISTRY.remove(histogram)
        shapes.append(sorted((sorted(p.attributes.items()), p.count, round(p.sum, 9),
                              list(p.bucket_counts), list(p.explicit_bounds)) for p in found))
    assert shapes[0] and shapes[0] == shapes[1]
