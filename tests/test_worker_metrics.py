"""`unionhub worker` with UNIONHUB_WORKER_METRICS_PORT serves /metrics on that loopback port
(deploy/OPERATORS.md, Metrics), as a real process against the test database and Redis."""

from __future__ import annotations

import asyncio
import os
import sys

import httpx
import pytest

from tests.processes import ROOT, free_port, stopped


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="the worker needs REDIS_URL (arq)")
async def test_the_worker_serves_its_metrics_on_the_port_given():
    port = free_port()
    env = {**os.environ, "UNIONHUB_WORKER_METRICS_PORT": str(port)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "unionhub.cli", "worker", cwd=ROOT, env=env,  # this tree's code
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    body = ""
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            for _ in range(300):  # until the jobs are scheduled (their lag gauges), or it exits
                if process.returncode is not None:
                    break
                try:
                    body = (await client.get("/metrics")).text
                except httpx.TransportError:
                    body = ""
                if "unionhub_job_lag_seconds{" in body:
                    break
                await asyncio.sleep(0.1)
            running = process.returncode is None
    finally:
        err = await stopped(process)
    # The metrics server was started once: a second start on the same port failed the worker
    # with "Address already in use" before it ran a job.
    assert running, err.decode()[-2000:]
    lags = [line for line in body.splitlines() if line.startswith("unionhub_job_lag_seconds{")]
    assert any('unionhub_job_name="identity.link_audit"' in line for line in lags), body
