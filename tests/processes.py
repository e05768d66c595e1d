"""Tests that run the `unionhub` command as a real subprocess: the command, run to its end
(`run`) or served (a free port, waiting until healthy), and stopped."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]  # the repository


async def stopped(process: asyncio.subprocess.Process, within_s: float = 20) -> bytes:
    """Terminate `process` if it still runs and wait for it to end; its stderr. One that has
    not ended within `within_s` seconds is killed, and the timeout raised."""
    if process.returncode is None:
        process.terminate()
    try:
        async with asyncio.timeout(within_s):
            _, err = await process.communicate()
    except TimeoutError:
        process.kill()
        raise
    return err


def unionhub(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("unionhub")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "unionhub.cli", *args]


async def run(*args: str, env: dict[str, str] | None = None,
              ) -> subprocess.CompletedProcess[str]:
    """Run the CLI without blocking the event loop (the test's database stays usable)."""
    process = await asyncio.create_subprocess_exec(
        *unionhub(*args), cwd=ROOT, env=env or dict(os.environ),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    async with asyncio.timeout(120):
        out, err = await process.communicate()
    return subprocess.CompletedProcess(args, process.returncode, out.decode(), err.decode())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_healthy(client: httpx.AsyncClient, process: asyncio.subprocess.Process) -> None:
    for _ in range(300):
        if process.returncode is not None:
            raise AssertionError(f"serve exited with {process.returncode}")
        try:
            if (await client.get("/health")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("serve did not become healthy in 30 s")
