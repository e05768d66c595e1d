"""`unionhub worker` with UNIONHUB_WORKER_METRICS_PORT serves /metrics on that port, on loopback
unless UNIONHUB_WORKER_METRICS_HOST names another address, to the clients the app's /metrics
answers (deploy/OPERATORS.md, Metrics), as a real process against the test database and Redis."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from tests.processes import ROOT, free_port, stopped

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"),
                                reason="the worker needs REDIS_URL (arq)")
LAG = "unionhub_job_lag_seconds{"


@asynccontextmanager
async def _worker(env: dict[str, str]) -> AsyncIterator[asyncio.subprocess.Process]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "unionhub.cli", "worker", cwd=ROOT,  # this tree's code
        env={**os.environ, **env}, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE)
    try:
        yield process
    finally:
        err = await stopped(process)
        if process.returncode not in (0, -15):
            print(err.decode()[-2000:])


async def _scraped(process: asyncio.subprocess.Process, url: str,
                   headers: dict[str, str] | None = None) -> str:
    """/metrics at `url` once the jobs are scheduled (their lag gauges), or the last answer
    (empty when nothing answered) when the worker exits or 30 seconds pass."""
    body = ""
    async with httpx.AsyncClient(timeout=5) as client:
        for _ in range(300):
            if process.returncode is not None:
                break
            try:
                body = (await client.get(url, headers=headers)).text
            except httpx.TransportError:
                body = ""
            if LAG in body:
                break
            await asyncio.sleep(0.1)
    return body


async def test_the_worker_serves_its_metrics_on_the_port_given():
    port = free_port()
    async with _worker({"UNIONHUB_WORKER_METRICS_PORT": str(port)}) as process:
        body = await _scraped(process, f"http://127.0.0.1:{port}/metrics")
        # The metrics server was started once: a second start on the same port failed the
        # worker with "Address already in use" before it ran a job.
        assert process.returncode is None
    lags = [line for line in body.splitlines() if line.startswith(LAG)]
    assert any('unionhub_job_name="identity.link_audit"' in line for line in lags), body


def _outside_address() -> str | None:
    """This machine's address on its default route (not loopback), or None without one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # (UDP: nothing is sent)
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


async def test_a_prometheus_on_another_host_can_scrape_the_worker_it_is_allowed_to():
    """Bound to every address, the worker answers the allowed networks (here only this
    machine's outside address, as another host's would be) and the bearer token, and refuses
    the rest: loopback is not in the list this time."""
    outside = _outside_address()
    if outside is None:
        pytest.skip("no address besides loopback to scrape from")
    port, token = free_port(), "worker-scrape-token-3f9"
    async with _worker({"UNIONHUB_WORKER_METRICS_PORT": str(port),
                        "UNIONHUB_WORKER_METRICS_HOST": "0.0.0.0",  # noqa: S104
                        "UNIONHUB_METRICS_ALLOWED_NETWORKS": json.dumps([f"{outside}/32"]),
                        "UNIONHUB_METRICS_TOKEN": token}) as process:
        body = await _scraped(process, f"http://{outside}:{port}/metrics")
        assert LAG in body, body[-2000:]
        async with httpx.AsyncClient(timeout=5) as client:
            refused = await client.get(f"http://127.0.0.1:{port}/metrics")
            with_token = await client.get(f"http://127.0.0.1:{port}/metrics",
                                          headers={"Authorization": f"Bearer {token}"})
            wrong = await client.get(f"http://127.0.0.1:{port}/metrics",
                                     headers={"Authorization": "Bearer not-it"})
    assert (refused.status_code, wrong.status_code) == (403, 403)
    assert LAG not in refused.text + wrong.text
    assert with_token.status_code == 200 and LAG in with_token.text
