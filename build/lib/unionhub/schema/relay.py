"""Relay-style connections with keyset pagination (stable and index-friendly at millions)."""

from __future__ import annotations

import base64
from typing import Generic, TypeVar

import strawberry
from tortoise.queryset import QuerySet

from unionhub.errors import ValidationFailed

T = TypeVar("T")
DEFAULT_PAGE = 20
MAX_PAGE = 100


# Value types defined by every subgraph that uses them: @shareable, or composition refuses them.
@strawberry.federation.type(shareable=True)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.federation.type(shareable=True)
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.federation.type(shareable=True)
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo


def encode_cursor(key: int) -> str:
    return base64.urlsafe_b64encode(f"k:{key}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind != "k":
            raise ValueError
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("cursor is not valid", field="after", code="BAD_CURSOR") from None


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if not 0 < first <= MAX_PAGE:
        raise ValidationFailed(f"first must be between 1 and {MAX_PAGE}", field="first",
                               code="BAD_PAGE_SIZE")
    return first


async def keyset_page(qs: QuerySet, first: int | None, after: str | None,
                      newest_first: bool = False) -> tuple[list, PageInfo]:
    """One page of `qs` ordered by primary key: one query, LIMIT first+1 to see if more follow."""
    size = page_size(first)
    if after:
        key = decode_cursor(after)
        qs = qs.filter(id__lt=key) if newest_first else qs.filter(id__gt=key)
    rows = await qs.order_by("-id" if newest_first else "id").limit(size + 1)
    has_next = len(rows) > size
    rows = rows[:size]
    info = PageInfo(
        has_next_page=has_next, has_previous_page=after is not None,
        start_cursor=encode_cursor(rows[0].id) if rows else None,
        end_cursor=encode_cursor(rows[-1].id) if rows else None,
    )
    return rows, info


def connection(nodes: list[T], keys: list[int], info: PageInfo) -> Connection[T]:
    return Connection(
        edges=[Edge(node=n, cursor=encode_cursor(k)) for n, k in zip(nodes, keys, strict=True)],
        page_info=info,
    )
