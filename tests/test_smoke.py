"""The service answers: health, readiness, a trace id on every response."""

from __future__ import annotations


async def test_health_and_ready(http):
    assert (await http.get("/health")).json() == {"status": "ok"}
    ready = await http.get("/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "redis": "ok"}


async def test_every_response_carries_a_trace_id(gql, factory):
    tree = await factory.tree()
    result = await gql("query Roots { unions { id name level } }")
    assert result.data["unions"][0]["name"] == tree.province.name
    trace_id = result.body["extensions"]["traceId"]
    assert len(trace_id) == 32 and int(trace_id, 16) != 0
