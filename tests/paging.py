"""Walking a Relay connection through GraphQL, page by page, both ways: the shared checks of
the paging tests (issue 24, point 4)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from unionhub.schema.relay import MAX_PAGE


def node_key(node: Any) -> Any:
    """A node's id, or the whole node where it has none (report rows, scorecards)."""
    return node.get("id", node) if isinstance(node, dict) else node


def _at(data: dict[str, Any], path: str) -> dict[str, Any]:
    for key in path.split("."):
        data = data[key]
    return data


async def page(gql, query: str, path: str, variables: dict[str, Any], token: str | None,
               **paging: Any) -> dict[str, Any]:
    r = await gql(query, {**variables, **paging}, token=token)
    assert r.errors == [], r.body
    return _at(r.data, path)


async def walk(gql, query: str, path: str, variables: dict[str, Any], token: str | None, *,
               size: int, backward: bool = False,
               between: Callable[[], Awaitable[None]] | None = None) -> list[str]:
    """Every node id, in list order, from pages of `size` (`last`/`before` when backward);
    `between` runs after each page (to insert rows while paging)."""
    ids: list[str] = []
    cursor = None
    while True:
        args = {"last": size, "before": cursor} if backward else {"first": size, "after": cursor}
        conn = await page(gql, query, path, variables, token, **args)
        nodes = [node_key(e["node"]) for e in conn["edges"]]
        assert len(nodes) <= size
        info = conn["pageInfo"]
        if nodes:
            assert info["startCursor"] == conn["edges"][0]["cursor"]
            assert info["endCursor"] == conn["edges"][-1]["cursor"]
        ids = nodes + ids if backward else ids + nodes
        more = info["hasPreviousPage"] if backward else info["hasNextPage"]
        if between is not None:
            await between()
        if not more:
            return ids
        assert len(nodes) == size  # a full page when more follow
        cursor = info["startCursor"] if backward else info["endCursor"]


async def assert_pages(gql, query: str, path: str, variables: dict[str, Any],
                       token: str | None, expected: list[str], *, backward: bool = True,
                       total: bool = True) -> None:
    """Forward (and backward) walks give exactly `expected`; totalCount counts it; a
    `first`/`last` out of range is BAD_USER_INPUT with reason BAD_PAGE_SIZE."""
    assert len(expected) >= 5, "enough rows for several pages"
    assert await walk(gql, query, path, variables, token, size=2) == expected
    assert await walk(gql, query, path, variables, token, size=MAX_PAGE) == expected
    if backward:
        assert await walk(gql, query, path, variables, token, size=2, backward=True) == expected
        # Back from the middle: the page before a cursor ends just before it.
        forward = await page(gql, query, path, variables, token, first=3)
        back = await page(gql, query, path, variables, token, last=2,
                          before=forward["edges"][2]["cursor"])
        assert [node_key(e["node"]) for e in back["edges"]] == expected[:2]
        assert back["pageInfo"]["hasNextPage"] is True
        assert back["pageInfo"]["hasPreviousPage"] is False
    conn = await page(gql, query, path, variables, token, first=1)
    assert conn["totalCount"] == (len(expected) if total else None)
    for bad in (0, -1, MAX_PAGE + 1):
        await assert_bad_size(gql, query, variables, token, {"first": bad}, "first")
        if backward:
            await assert_bad_size(gql, query, variables, token, {"last": bad}, "last")
    if backward:  # one direction a page: first and last together are refused
        await assert_bad_size(gql, query, variables, token, {"first": 2, "last": 2}, "last")
    r = await gql(query, {**variables, "after": "bm90IGEgY3Vyc29y"}, token=token)
    assert [e["extensions"].get("reason") for e in r.errors] == ["BAD_CURSOR"], r.body


async def assert_bad_size(gql, query: str, variables: dict[str, Any], token: str | None,
                          paging: dict[str, Any], field: str) -> None:
    r = await gql(query, {**variables, **paging}, token=token)
    assert r.error_codes() == ["BAD_USER_INPUT"], r.body
    assert r.errors[0]["extensions"]["reason"] == "BAD_PAGE_SIZE"
    assert r.errors[0]["extensions"]["field"] == field


def connection_query(field: str, args: str = "", variables: str = "", node: str = "id",
                     backward: bool = True, outer: str | None = None) -> str:
    """A query of one connection with the paging variables (and `variables`, `args`)."""
    paging = "$first: Int, $after: String" + (", $last: Int, $before: String" if backward else "")
    passed = "first: $first, after: $after" + (", last: $last, before: $before"
                                               if backward else "")
    sep = ", " if args else ""
    inner = (f"{field}({args}{sep}{passed}) {{ totalCount edges {{ cursor node {{ {node} }} }}"
             " pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }")
    body = f"{outer} {{ {inner} }}" if outer else inner
    vars_ = f"({variables}, {paging})" if variables else f"({paging})"
    return f"query{vars_} {{ {body} }}"
