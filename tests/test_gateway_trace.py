"""One request through Hive Gateway is one trace: the gateway's spans and the subgraph
processes' spans arrive at an OTLP receiver under the same trace id."""

from __future__ import annotations

import asyncio
import time

import httpx

from tests.gateway_stack import free_port, running_stack
from tests.otlp_receiver import otlp_receiver

CROSS = "{ me { displayName orders { id } activities(first: 1) { status } } }"


async def _wait_for(predicate, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not predicate():  # noqa: ASYNC110 (spans arrive on a thread)
        await asyncio.sleep(0.2)


async def test_one_request_is_one_trace_across_gateway_and_subgraphs(factory, tmp_path):
    member = await factory.account()
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}/v1/traces"
    subgraph_env = {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": endpoint,
                    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
                    "OTEL_BSP_SCHEDULE_DELAY": "100"}
    with otlp_receiver(port) as received, \
            running_stack(tmp_path, extra_env=subgraph_env,
                          gateway_env={"OPENTELEMETRY": endpoint}) as stack:
        received.clear()  # start-up spans
        http = httpx.AsyncClient(timeout=20)
        r = await http.post(stack.gateway_url, json={"query": CROSS},
                            headers={"Authorization": f"Bearer {member.token}"})
        assert r.json()["data"]["me"]["displayName"]

        wanted = {"hive-gateway", "unionhub-identity", "unionhub-mall", "unionhub-activities"}

        def services_by_trace() -> dict[str, set[str]]:
            by_trace: dict[str, set[str]] = {}
            for service, trace_id, _ in list(received):
                by_trace.setdefault(trace_id, set()).add(service)
            return by_trace

        def one_trace() -> list[str]:
            return [t for t, services in services_by_trace().items() if wanted <= services]

        def root_exported() -> bool:
            # The gateway's root span ends after the response, so it can be exported in a
            # later batch than the subgraphs' spans: wait for it too, not only the services.
            return any(("hive-gateway", t, "POST /graphql") in list(received)
                       for t in one_trace())

        await _wait_for(root_exported)
        # The gateway started the trace (no traceparent from the client) and propagated it:
        # identity answers `me`, mall the orders, activities the enrolments.
        assert len(one_trace()) == 1, services_by_trace()
        trace_id = one_trace()[0]
        assert ("hive-gateway", trace_id, "POST /graphql") in received
        assert ("unionhub-identity", trace_id, "query anonymous") in received
        # The client is told that trace's id, as a subgraph tells it (issue 19).
        assert r.json()["extensions"]["traceId"] == trace_id

        # A client's own trace context is continued: gateway and subgraphs join its trace.
        client_trace = "4bf92f3577b34da6a3ce929d0e0e4736"
        r = await http.post(stack.gateway_url, json={"query": CROSS}, headers={
            "Authorization": f"Bearer {member.token}",
            "traceparent": f"00-{client_trace}-00f067aa0ba902b7-01"})
        assert r.json()["data"]["me"]["displayName"]
        assert r.json()["extensions"]["traceId"] == client_trace
        await _wait_for(lambda: wanted <= services_by_trace().get(client_trace, set()))
        assert wanted <= services_by_trace().get(client_trace, set()), services_by_trace()
        await http.aclose()


async def test_without_gateway_tracing_the_client_still_gets_the_subgraphs_trace_id(factory,
                                                                                  tmp_path):
    """The gateway exports nothing: it gives every subgraph call of a request one traceparent
    (the client's, or one it makes) and returns that trace id in `extensions.traceId`."""
    member = await factory.account()
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}/v1/traces"
    subgraph_env = {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": endpoint,
                    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
                    "OTEL_BSP_SCHEDULE_DELAY": "100"}
    with otlp_receiver(port) as received, \
            running_stack(tmp_path, extra_env=subgraph_env) as stack:
        received.clear()
        async with httpx.AsyncClient(timeout=20) as http:
            r = await http.post(stack.gateway_url, json={"query": CROSS},
                                headers={"Authorization": f"Bearer {member.token}"})
            assert r.json()["data"]["me"]["displayName"]
            trace_id = r.json()["extensions"]["traceId"]
            assert len(trace_id) == 32 and int(trace_id, 16)
            wanted = {"unionhub-identity", "unionhub-mall", "unionhub-activities"}

            def services() -> set[str]:
                return {service for service, t, _ in list(received) if t == trace_id}

            await _wait_for(lambda: wanted <= services())
            assert wanted <= services()
            assert "hive-gateway" not in services()
            # Two requests, two traces.
            again = await http.post(stack.gateway_url, json={"query": "{ me { id } }"},
                                    headers={"Authorization": f"Bearer {member.token}"})
            assert again.json()["extensions"]["traceId"] != trace_id
