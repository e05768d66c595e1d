"""The compiled executor alone, without I/O: a 20-edge connection page shaped like the
leaderboard's and member search's, run through `CompiledOperation.execute` of the tree given
(A/B of two checkouts: `python bench/compiled_micro.py TREE [BATCHES] [--sync]`). Prints the
least µs per execution over BATCHES batches of 500. `--sync`: `member` a plain resolver rather
than an async one (the difference is what an async field per item costs).
"""
import asyncio
import sys
import time
from enum import Enum

sys.path.insert(0, sys.argv[1])

import strawberry
from graphql import parse

from unionhub.fastpath.compiled import compile_operation
from unionhub.fastpath.lean import install_lean_resolvers

SYNC = "--sync" in sys.argv
ARGS = [a for a in sys.argv[1:] if a != "--sync"]

@strawberry.enum
class Tier(Enum):
    A = "a"
    B = "b"

@strawberry.type
class Union_:
    name: str

@strawberry.type
class Member:
    id: strawberry.ID
    display_name: str
    tier: Tier
    union_name: strawberry.Private[str]
    @strawberry.field
    def union(self) -> Union_:
        return Union_(name=self.union_name)

@strawberry.type
class Entry:
    rank: int
    score: float
    member_: strawberry.Private[Member]
    if SYNC:
        @strawberry.field
        def member(self) -> Member:
            return self.member_
    else:
        @strawberry.field
        async def member(self) -> Member:
            return self.member_

@strawberry.type
class Edge:
    node: Entry
    cursor: str

@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None

@strawberry.type
class Conn:
    edges: list[Edge]
    page_info: PageInfo

MEMBERS = [Member(id=strawberry.ID(str(i)), display_name=f"m{i}", tier=Tier.A, union_name="u") for i in range(20)]

@strawberry.type
class Query:
    @strawberry.field
    async def board(self, first: int = 20) -> Conn:
        edges = [Edge(node=Entry(rank=i, score=1.5 * i, member_=m), cursor=f"c{i}")
                 for i, m in enumerate(MEMBERS)]
        return Conn(edges=edges, page_info=PageInfo(has_next_page=True, end_cursor="c19"))

schema = strawberry.Schema(query=Query)
install_lean_resolvers(schema)
DOC = ("query B($first: Int) { board(first: $first) { edges { node { rank score member { id "
       "displayName tier union { name } } } } pageInfo { hasNextPage endCursor } } }")
op = compile_operation(schema._schema, parse(DOC), None)

async def main():
    for _ in range(200):
        r = await op.execute(None, {}, {"first": 20})
    assert not r.errors, r.errors
    best = 1e9
    for _ in range(int(ARGS[1]) if len(ARGS) > 1 else 7):
        t0 = time.process_time()
        for _ in range(500):
            await op.execute(None, {}, {"first": 20})
        best = min(best, (time.process_time() - t0) / 500 * 1e6)
    print(f"{best:.1f}")
asyncio.run(main())
