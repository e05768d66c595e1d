"""`unionhub serve --workers N`: several processes behind one port, sharing state only through
PostgreSQL (or the SQLite file) and Redis. The embedded mode (no REDIS_URL) refuses them."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.processes import ROOT, free_port, run, stopped, unionhub, wait_healthy

LOOKUP = "query Me { me { id displayName union { name } } }"


def _without_redis() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "UNIONHUB_REDIS_URL")}


@pytest.mark.parametrize("command", ["serve", "up"])
async def test_several_workers_without_redis_are_refused(command):
    result = await run(command, "--workers", "2", "--port", "9", env=_without_redis())
    assert result.returncode == 1, result.stderr
    assert "--workers above 1 needs REDIS_URL" in result.stderr
    assert "Traceback" not in result.stderr


@contextlib.asynccontextmanager
async def _redis_url() -> AsyncIterator[str]:
    """The suite's Redis when it runs on one (.ci/run), else a private one on a free port."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    if shutil.which("redis-server") is None:
        pytest.skip("no REDIS_URL and no redis-server to start")
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        await server.wait()


def _children(parent: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                    found.add(int(entry.name))
    return found


def _serving(port: int, pids: set[int]) -> set[int]:
    """The processes among `pids` holding an established connection on `port` (the server
    side of our open keep-alive connections), read from /proc."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                    inodes.add(f"socket:[{fields[9]}]")
    serving = set()
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) in inodes:
                        serving.add(pid)
                        break
    return serving


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads /proc (Linux)")
async def test_two_workers_answer_on_one_port(factory):
    tree = await factory.tree()
    accounts = [await factory.account(tree.grassroots["A"][i % 2]) for i in range(4)]
    port = free_port()
    async with _redis_url() as redis_url:
        env = {**os.environ, "REDIS_URL": redis_url}
        process = await asyncio.create_subprocess_exec(
            *unionhub("serve", "--workers", "2", "--port", str(port)), cwd=ROOT, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        try:
            base = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=base, timeout=10) as probe:
                await wait_healthy(probe, process)
            workers: set[int] = set()
            for _ in range(50):  # until both workers have served (the kernel picks one each accept)
                workers = _children(process.pid)
                clients = [httpx.AsyncClient(base_url=base, timeout=10) for _ in range(8)]
                try:
                    replies = await asyncio.gather(*(
                        client.post("/graphql", json={"query": LOOKUP}, headers={
                            "Authorization": f"Bearer {accounts[i % 4].token}"})
                        for i, client in enumerate(clients)))
                    for i, reply in enumerate(replies):
                        assert reply.status_code == 200, reply.text
                        me = reply.json()["data"]["me"]
                        assert me["id"] == accounts[i % 4].id
                    served = _serving(port, workers)  # while the connections are still open
                finally:
                    await asyncio.gather(*(client.aclose() for client in clients))
                if len(served) >= 2:
                    break
            assert len(workers) >= 2 and len(served) == 2, (workers, served)
        finally:
            err = await stopped(process, within_s=30)
    assert process.returncode in (0, -signal.SIGTERM), err.decode()
