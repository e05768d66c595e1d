"""A private Redis primary, its replica and one Sentinel watching them, for tests of a
failover (tests/test_sentinel_failover.py): `redis-server` processes (Sentinel is
`redis-server --sentinel`, what Debian's redis-sentinel runs) on free loopback ports in a
temporary directory, stopped and removed by `stop`, as `.ci/redis-cluster` starts its own.
Never the machine's Redis on 6379."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import redis.asyncio as redis

from tests.processes import free_port

NAME = "unionhub"


REDIS_SERVER = shutil.which("redis-server")


def installed() -> bool:
    return REDIS_SERVER is not None


class SentinelServers:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="unionhub-sentinel-"))
        self.primary = ("127.0.0.1", free_port())
        self.replica = ("127.0.0.1", free_port())
        self.sentinel = ("127.0.0.1", free_port())
        self._processes: list[subprocess.Popen[bytes]] = []

    @property
    def sentinels(self) -> str:
        """UNIONHUB_REDIS_SENTINELS for these servers."""
        host, port = self.sentinel
        return f"{host}:{port}"

    def _serve(self, name: str, *args: str) -> None:
        (self.root / name).mkdir()
        self._processes.append(subprocess.Popen(  # not daemons: stopped by `stop`
            [REDIS_SERVER or "redis-server", *args, "--logfile", str(self.root / name / "log")],
            cwd=self.root / name, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    def client(self, address: tuple[str, int]) -> redis.Redis:
        host, port = address
        return redis.Redis(host=host, port=port, decode_responses=True, socket_timeout=5)

    async def start(self) -> None:
        plain = ("--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
        self._serve("primary", "--port", str(self.primary[1]), *plain)
        self._serve("replica", "--port", str(self.replica[1]), *plain,
                    "--replicaof", *map(str, self.primary))
        config = self.root / "sentinel.conf"
        config.write_text(f"bind 127.0.0.1\nport {self.sentinel[1]}\n"
                          f"sentinel monitor {NAME} {self.primary[0]} {self.primary[1]} 1\n"
                          f"sentinel down-after-milliseconds {NAME} 2000\n"
                          f"sentinel failover-timeout {NAME} 10000\n")
        self._serve("sentinel", str(config), "--sentinel")
        sentinel = self.client(self.sentinel)
        try:
            # Sentinel can promote the replica once it has seen it in sync.
            await self._until(lambda: self._replica_known(sentinel), "the replica known")
        finally:
            await sentinel.aclose()

    async def _replica_known(self, sentinel: redis.Redis) -> bool:
        try:
            replicas = await sentinel.execute_command("SENTINEL", "REPLICAS", NAME)
        except (redis.RedisError, OSError):
            return False
        fields = [dict(zip(r[::2], r[1::2], strict=True)) for r in replicas]
        return any(f.get("master-link-status") == "ok" and "disconnected" not in f["flags"]
                   for f in fields)

    async def _until(self, check: Callable[[], Awaitable[bool]], what: str,
                     within_s: float = 30) -> None:
        deadline = time.monotonic() + within_s
        while not await check():
            if time.monotonic() > deadline:
                logs = {p.name: (p / "log").read_text()[-600:] for p in self.root.iterdir()
                        if (p / "log").exists()}
                raise AssertionError(f"{what}: not within {within_s} s; logs {logs}")
            await asyncio.sleep(0.05)

    async def primary_now(self) -> tuple[str, int]:
        sentinel = self.client(self.sentinel)
        try:
            host, port = await sentinel.execute_command(
                "SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME)
        finally:
            await sentinel.aclose()
        return host, int(port)

    async def failover(self) -> tuple[str, int]:
        """`SENTINEL FAILOVER`, once Sentinel names the replica as the primary: its address
        (the old primary is told to follow it later, as Sentinel does)."""
        sentinel = self.client(self.sentinel)

        async def switched() -> bool:
            return await self.primary_now() == self.replica

        try:
            for _ in range(50):  # NOGOODSLAVE while its view of the replica is not fresh
                try:
                    await sentinel.execute_command("SENTINEL", "FAILOVER", NAME)
                    break
                except redis.ResponseError:
                    await asyncio.sleep(0.1)
            await self._until(switched, "the failover")
        finally:
            await sentinel.aclose()
        self.primary, self.replica = self.replica, self.primary
        return self.primary

    def stop(self) -> None:
        for process in self._processes:
            process.terminate()
        for process in self._processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.root, ignore_errors=True)
