"""Stopping a server that a test started as a real subprocess."""

from __future__ import annotations

import asyncio


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
