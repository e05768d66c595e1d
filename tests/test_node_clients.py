"""Node programs against a real `unionhub serve` (tests/node, its own package.json and lock
file): the open GraphQL-over-HTTP conformance audit (graphql-http's `auditServer`), every MUST
and SHOULD; and maintained clients (Apollo Client 4 with automatic persisted queries over POST
and hashed GET, urql). Skipped only when node is not installed; `npm ci` runs here when
.ci/run has not."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.processes import ROOT, free_port, unionhub, wait_healthy

NODE_DIR = ROOT / "tests" / "node"
pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def _npm_ci() -> None:
    if not all((NODE_DIR / "node_modules" / name).exists()
               for name in ("graphql-http", "@apollo/client", "@urql/core")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],  # noqa: S607
                       cwd=NODE_DIR, check=True)


@pytest.fixture
async def server(factory) -> AsyncIterator[str]:
    """`unionhub serve` on a free port over the test database; yields its GraphQL URL."""
    await factory.tree()
    await asyncio.to_thread(_npm_ci)
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        *unionhub("serve", "--port", str(port)), cwd=ROOT, env=dict(os.environ),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            await wait_healthy(client, process)
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        if process.returncode is None:
            process.terminate()
        async with asyncio.timeout(20):
            await process.wait()


async def node(script: str, *args: str, env: dict[str, str] | None = None,
               ) -> subprocess.CompletedProcess[str]:
    process = await asyncio.create_subprocess_exec(
        "node", str(NODE_DIR / script), *args, cwd=NODE_DIR, env={**os.environ, **(env or {})},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    async with asyncio.timeout(180):
        out, err = await process.communicate()
    return subprocess.CompletedProcess(args, process.returncode, out.decode(), err.decode())


async def test_graphql_over_http_audit_passes_every_must_and_should(server):
    result = await node("audit.mjs", server)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert sum(line.startswith("ok ") for line in lines) >= 50  # the audit ran in full
    assert not [line for line in lines if line.startswith(("warn", "error"))]


async def test_apollo_client_and_urql(server, factory):
    from unionhub.identity.seed import DEMO_PASSWORD

    tree = await factory.tree()
    union = tree.all_grassroots[0]
    member = await factory.account(union)
    cadre = await factory.cadre(union)
    for _ in range(5):  # a list of seven to page through two at a time
        await factory.account(union)
    result = await node("clients.mjs", server, env={
        "UNIONHUB_PHONE": member.phone, "UNIONHUB_CADRE_PHONE": cadre.phone,
        "UNIONHUB_PASSWORD": DEMO_PASSWORD, "UNIONHUB_UNION_ID": str(union.id)})
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert sum(line.startswith("ok ") for line in lines) == 16, result.stdout


def test_the_node_folder_pins_its_dependencies():
    assert (NODE_DIR / "package-lock.json").exists()
    assert Path(NODE_DIR / "package.json").read_text(encoding="utf-8").count('"graphql-http"') == 1
