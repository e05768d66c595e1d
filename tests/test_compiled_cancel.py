"""When a field's error cancels its siblings, the compiled executor leaves no coroutine
un-awaited: a sibling cancelled before its first step has the resolver coroutines it holds
closed ("coroutine ... was never awaited" otherwise, a RuntimeWarning at garbage collection),
and the answer is graphql-core's. (graphql-core 3.3 itself leaves such coroutines on the last
document, so it is not run beside it here.)"""

from __future__ import annotations

import asyncio
import gc
import warnings
from typing import Any

import strawberry
from graphql import parse

from unionhub.fastpath.compiled import compile_operation


async def _ticks(n: int) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


@strawberry.type
class Leaf:
    @strawberry.field
    async def one(self) -> str:
        await _ticks(1)
        return "1"

    @strawberry.field
    async def two(self) -> str:
        await _ticks(1)
        return "2"


@strawberry.type
class Branch:
    # Resolved a tick after `fails` fails: its own async fields' tasks are made in the loop
    # iteration that delivers the failure, and are cancelled before they ever run.
    @strawberry.field
    async def leaf(self) -> Leaf:
        await _ticks(2)
        return Leaf()

    @strawberry.field
    async def other(self) -> Leaf:
        await _ticks(2)
        return Leaf()


@strawberry.type
class Query:
    @strawberry.field
    async def fails(self) -> str:
        await _ticks(1)
        raise ValueError("failed")

    @strawberry.field
    def branch(self) -> Branch:
        return Branch()

    @strawberry.field
    async def late(self) -> Branch:
        await _ticks(2)
        return Branch()


SCHEMA = strawberry.Schema(query=Query)
DOCUMENTS = [
    "{ fails branch { leaf { one two } other { one two } } }",
    "{ fails late { leaf { one two } other { one two } } }",
    "{ late { leaf { one two } } fails branch { other { one two } } }",
]


def _never_awaited(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if "was never awaited" in str(w.message)]


async def test_cancelled_siblings_leave_no_coroutine_unawaited():
    for document in DOCUMENTS:
        compiled = compile_operation(SCHEMA._schema, parse(document), None)
        assert compiled is not None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            answer = _answer(await compiled.execute(None, {}, None))
            await _ticks(10)  # the cancelled tasks finish
            gc.collect()
        assert _never_awaited(caught) == [], document
        # graphql-core's answer (it is not run here: it leaves un-awaited coroutines itself)
        assert answer == (None, [("failed", ["fails"])])


def _answer(result: Any) -> tuple[Any, list[tuple[str, Any]]]:
    # Only plain values: the errors' tracebacks hold the frames of the coroutines they ran in.
    return result.data, [(e.message, e.path) for e in result.errors or []]
