"""The request's DataLoaders (schema/context.py, RequestLoader): one caller's cancellation
never reaches another caller of the same key.

strawberry's DataLoader hands every caller of a key the same cached future, and cancelling a
task cancels the future it awaits. A failed non-null field has its siblings cancelled
(compiled_run.gather_with_cancel, as graphql-core does), so a sibling waiting on a member or
union that another field of the request also waited on failed that other field with
CancelledError, and the whole request with it (the leak walk failed so in CI)."""

from __future__ import annotations

import asyncio

from unionhub.schema.context import Context


def _loader(calls: list[list[int]], gate: asyncio.Event):
    async def load(keys: list[int]) -> list[str]:
        calls.append(list(keys))
        await gate.wait()
        return [f"value {k}" for k in keys]

    return Context().loader("things", load)


async def test_a_cancelled_caller_leaves_the_others_their_value():
    calls: list[list[int]] = []
    gate = asyncio.Event()
    loader = _loader(calls, gate)
    first = asyncio.ensure_future(loader.load(1))
    second = asyncio.ensure_future(loader.load(1))
    other = asyncio.ensure_future(loader.load(2))
    await asyncio.sleep(0.01)  # the batch is dispatched and waits on the gate
    assert calls == [[1, 2]]
    first.cancel()
    await asyncio.sleep(0)
    gate.set()
    assert await second == "value 1"
    assert await other == "value 2"
    assert first.cancelled()
    assert calls == [[1, 2]]  # one batch for all of them


async def test_when_every_caller_is_cancelled_the_load_still_lands_in_the_cache():
    calls: list[list[int]] = []
    gate = asyncio.Event()
    loader = _loader(calls, gate)
    waiting = [asyncio.ensure_future(loader.load(7)) for _ in range(3)]
    await asyncio.sleep(0.01)
    for task in waiting:
        task.cancel()
    await asyncio.gather(*waiting, return_exceptions=True)
    gate.set()
    assert await loader.load(7) == "value 7"  # the same load, not cancelled, not sent again
    assert calls == [[7]]


async def test_a_settled_key_is_answered_without_waiting():
    calls: list[list[int]] = []
    gate = asyncio.Event()
    gate.set()
    loader = _loader(calls, gate)
    assert await loader.load(3) == "value 3"
    again = loader.load(3)
    assert isinstance(again, asyncio.Future) and again.done()  # the cached future itself
    assert again.result() == "value 3"
    assert await loader.load_many([3, 4]) == ["value 3", "value 4"]
    assert calls == [[3], [4]]
