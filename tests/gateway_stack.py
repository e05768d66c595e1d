"""The federated deployment on loopback for tests: the five subgraphs and Hive Gateway (deploy/
gateway), plus the all-in-one platform process, all on the test database and Redis."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from unionhub import gateway
from unionhub.domains import DOMAINS

ROUTER_SECRET = "test-router-secret-gateway"


def gateway_or_skip() -> None:
    installed = (gateway.GATEWAY_DIR / "node_modules" / ".bin" / "hive-gateway").exists()
    if shutil.which("node") and installed:
        return
    if os.environ.get("CI"):
        pytest.fail("CI must run the gateway: `npm ci --prefix deploy/gateway` (done by .ci/run)")
    pytest.skip("Hive Gateway not installed: npm ci --prefix deploy/gateway")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Stack:
    gateway_url: str
    platform_url: str
    logs: Path


def _wait(url: str, process: subprocess.Popen, log: Path, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            r = httpx.post(url, json={"query": "{ __typename }"}, timeout=2)
            if r.status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not start in time:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def running_stack(tmp: Path, extra_env: dict[str, str] | None = None,
                  gateway_env: dict[str, str] | None = None) -> Iterator[Stack]:
    """Start everything (about 5 s), yield the URLs, stop everything it started."""
    gateway_or_skip()
    env = {**os.environ, "UNIONHUB_ROUTER_SECRET": ROUTER_SECRET, **(extra_env or {})}
    processes: list[subprocess.Popen] = []
    waits: list[tuple[str, subprocess.Popen, Path]] = []

    def start(name: str, argv: list[str],
              process_env: dict[str, str]) -> tuple[subprocess.Popen, Path]:
        log = tmp / f"{name}.log"
        with log.open("w") as out:
            process = subprocess.Popen(argv, env=process_env, stdout=out,
                                       stderr=subprocess.STDOUT)
        processes.append(process)
        return process, log

    try:
        urls = {}
        for domain in DOMAINS:
            port = free_port()
            urls[domain] = f"http://127.0.0.1:{port}/graphql"
            p, log = start(domain, [sys.executable, "-m", "unionhub.cli", "serve", "--subgraph",
                                    domain, "--port", str(port)], env)
            waits.append((urls[domain], p, log))
        platform_port = free_port()
        platform_url = f"http://127.0.0.1:{platform_port}/graphql"
        p, log = start("platform", [sys.executable, "-m", "unionhub.cli", "serve", "--port",
                                    str(platform_port)], env)
        waits.append((platform_url, p, log))
        supergraph = tmp / "supergraph.graphql"
        gateway.compose(urls, supergraph)
        gateway_port = free_port()
        gateway_url = f"http://127.0.0.1:{gateway_port}/graphql"
        p, log = start("gateway", gateway.command(supergraph, "127.0.0.1", gateway_port),
                       {**env, "NODE_ENV": "production", **(gateway_env or {})})
        waits.append((gateway_url, p, log))
        deadline = time.monotonic() + 60
        for url, process, log in waits:
            _wait(url, process, log, deadline)
        yield Stack(gateway_url=gateway_url, platform_url=platform_url, logs=tmp)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
