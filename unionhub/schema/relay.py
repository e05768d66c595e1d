"""Relay connections: the one paging convention of the API (docs/frontend.md, "Paging").

Keyset (cursor) paging: a cursor holds the sort values of its row, ending with the id as the
tiebreaker, and the next page is the rows strictly after it in that order. An offset would
skip or repeat rows when rows are inserted between two pages; a keyset does not, and each
page is one indexed range read however deep it is. The domain packages own the queries
(filters and their stable ordering); this module owns the arguments, cursors and shapes.
"""

from __future__ import annotations

import bisect
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from unionhub.errors import ValidationFailed
from unionhub.fastpath import keyset_rows
from unionhub.schema.cursors import _plain, _typed, decode_cursor, encode_cursor

T = TypeVar("T")
DEFAULT_PAGE = 20
MAX_PAGE = 100  # the one maximum page size, for `first` and `last` alike

FIRST_HELP = f"Page forward: at most this many edges (1–{MAX_PAGE}, default {DEFAULT_PAGE}); " \
             "out of range is BAD_USER_INPUT with reason BAD_PAGE_SIZE."
AFTER_HELP = "The `endCursor` (or an edge's `cursor`) of the previous page: edges after it " \
             "(BAD_CURSOR if it is not a cursor of this list)."
LAST_HELP = f"Page backward: at most this many edges before `before` (1–{MAX_PAGE}); " \
            "out of range is BAD_USER_INPUT with reason BAD_PAGE_SIZE. Not with `first`."
BEFORE_HELP = "The `startCursor` of the page shown: edges before it (with `last`; " \
              "BAD_CURSOR if it is not a cursor of this list)."


# Value types defined by every subgraph that uses them: @shareable, or composition refuses them.
@strawberry.federation.type(shareable=True, description="Where a page sits in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="More edges follow `endCursor` (when paging backward: true when `before` "
                    "was given).")
    has_previous_page: bool = strawberry.field(
        description="More edges precede `startCursor` (when paging forward: true when `after` "
                    "was given).")
    start_cursor: str | None = strawberry.field(
        description="The first edge's cursor: pass it as `before` for the page before; null "
                    "on an empty page.")
    end_cursor: str | None = strawberry.field(
        description="The last edge's cursor: pass it as `after` for the next page; null on an "
                    "empty page.")
    # Counts the whole list for `totalCount` (None: not offered); set by the pagers.
    counter: strawberry.Private[Callable[[], Awaitable[int]] | None] = None


@strawberry.federation.type(shareable=True, description="One item of a page and its cursor.")
class Edge(Generic[T]):
    node: T = strawberry.field(description="The item.")
    cursor: str = strawberry.field(description="Opaque: pass it as `after` or `before`.")


@strawberry.federation.type(
    shareable=True,
    description=f"A page of a list (Relay). Page with `first`/`after` (and `last`/`before` "
                f"where offered), at most {MAX_PAGE} edges a page.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The page's items, in the list's order.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more pages exist.")
    counter: strawberry.Private[Callable[[], Awaitable[int]] | None] = None

    @strawberry.field(description="How many items the whole list holds (one count query, run "
                                  "only when asked for). Null on lists too large to count "
                                  "cheaply; the field's description says which.")
    async def total_count(self) -> int | None:
        return await self.counter() if self.counter is not None else None


# --- arguments ---------------------------------------------------------------------------

def page_size(first: int | None, *, field: str = "first") -> int:
    if first is None:
        return DEFAULT_PAGE
    if not 0 < first <= MAX_PAGE:
        raise ValidationFailed(f"{field} must be between 1 and {MAX_PAGE}", field=field,
                               code="BAD_PAGE_SIZE")
    return first


def _direction(first: int | None, last: int | None) -> tuple[int, bool]:
    """(size, backward): `last` pages backward; giving both is refused."""
    if first is not None and last is not None:
        raise ValidationFailed("give first or last, not both", field="last",
                               code="BAD_PAGE_SIZE")
    if last is not None:
        return page_size(last, field="last"), True
    return page_size(first), False


def page_direction(first: int | None, last: int | None) -> tuple[int, bool]:
    """(size, backward) of a page: for domains that read their own pages."""
    return _direction(first, last)


# --- keyset paging in SQL ----------------------------------------------------------------

def _beyond(order: Sequence[str], values: Sequence[Any], backward: bool) -> Q:
    """Rows strictly after `values` in `order` (before them when `backward`): a lexicographic
    comparison written as an OR of prefixes, which an index on the order serves."""
    clauses = []
    for i, spec in enumerate(order):
        name = spec.lstrip("-")
        descending = spec.startswith("-") != backward
        equal = {o.lstrip("-"): values[j] for j, o in enumerate(order[:i])}
        clauses.append(Q(**equal, **{f"{name}__{'lt' if descending else 'gt'}": values[i]}))
    combined = clauses[0]
    for clause in clauses[1:]:
        combined |= clause
    return combined


def row_key(row: Any, order: Sequence[str]) -> int | tuple[Any, ...]:
    """The cursor values of `row`: its id alone when the order is by id."""
    if len(order) == 1:
        return row.id
    return tuple(getattr(row, spec.lstrip("-")) for spec in order)


# A domain's own reader of a page's ids, for a list the ORM pages poorly (one that needs a
# plan of its own, say): given the order ("id" or "-id", already flipped for a backward page),
# the cursor's id or None, and the row limit, it returns the ids, or None to let the ORM read
# the page after all (another database, a switch turned off).
IdReader = Callable[[str, int | None, int], Awaitable[list[int] | None]]


async def keyset_page(qs: QuerySet | Callable[[], QuerySet], first: int | None, after: str | None,
                      newest_first: bool = False, *, last: int | None = None,
                      before: str | None = None, order: Sequence[str] | None = None,
                      count: bool = True, attach: keyset_rows.Attach | None = None,
                      ids: bool = False, reader: IdReader | None = None) -> tuple[list, PageInfo]:
    """One page of `qs` in `order` (ending with the id; by default by id, newest first when
    `newest_first`): one query, LIMIT size+1 to see whether more follow. The page info's
    counter (for `totalCount`) counts the filtered list when `count`. `attach`: related rows
    read by the same statement when the fast path serves the page (fastpath/attached_rows.py);
    the caller primes its DataLoader with what it found. `ids`: the page's ids (ints) instead
    of model instances, for a list by id whose rows the caller reads elsewhere (no instance is
    built: a partial instance of a wide model costs more than the query); `reader` then may
    read them in place of the ORM. `qs` may be the function that makes the queryset: called
    only when the page needs it (not when a reader serves an uncounted page)."""
    order = tuple(order or (("-id",) if newest_first else ("id",)))
    assert order[-1].lstrip("-") == "id", "a keyset order ends with the id as tiebreaker"
    assert not (ids or reader) or len(order) == 1, "an id page is ordered by id alone"
    size, backward = _direction(first, last)
    cursor, cursor_field = (before, "before") if backward else (after, "after")
    values = decode_cursor(cursor, field=cursor_field, length=len(order)) if cursor else None
    flipped = [s[1:] if s.startswith("-") else f"-{s}" for s in order]
    direction = flipped if backward else order
    rows: list[Any] | None = await _id_rows(qs, direction, values, size + 1,
                                             reader) if ids else None
    if rows is None:
        qs = queryset = _queryset(qs)
        # A plain filter's page by a statement built once per shape; anything else via the ORM.
        rows = await keyset_rows.page_rows(queryset, direction, values, size + 1, attach)
        if rows is None:
            page_qs = (queryset.filter(_beyond(order, values, backward)) if values is not None
                       else queryset)
            rows = list(await page_qs.order_by(*direction).limit(size + 1))
    more = len(rows) > size
    rows = rows[:size]
    if backward:
        rows.reverse()
    key: Callable[[Any], Any] = (lambda i: i) if ids else (lambda r: row_key(r, order))
    info = PageInfo(
        has_next_page=before is not None if backward else more,
        has_previous_page=more if backward else after is not None,
        start_cursor=encode_cursor(key(rows[0])) if rows else None,
        end_cursor=encode_cursor(key(rows[-1])) if rows else None,
    )
    info.counter = _queryset(qs).count if count else None
    return rows, info


def _queryset(qs: QuerySet | Callable[[], QuerySet]) -> QuerySet:
    return qs if isinstance(qs, QuerySet) else qs()


async def _id_rows(qs: QuerySet | Callable[[], QuerySet], direction: Sequence[str],
                   values: Sequence[Any] | None, limit: int, reader: IdReader | None) -> list[int]:
    """The ids of an id page: by the domain's reader when it serves, else one ORM query."""
    bound = int(values[0]) if values is not None else None
    if reader is not None:
        found = await reader(direction[0], bound, limit)
        if found is not None:
            return found
    qs = _queryset(qs)
    if bound is not None:
        qs = qs.filter(id__lt=bound) if direction[0].startswith("-") else qs.filter(id__gt=bound)
    found_ids: list[Any] = await qs.order_by(*direction).limit(limit).values_list("id", flat=True)
    return [int(i) for i in found_ids]


class _KeyedEdge(Edge):
    """An edge whose cursor is encoded when it is read: screens page by `pageInfo.endCursor`
    and rarely select `edges.cursor`, and encoding one per edge cost about 1 µs (a 20-edge page:
    20). GraphQL reads `cursor` as an attribute, so the property serves both executors."""

    def __init__(self, node: Any, key: int | Sequence[Any]) -> None:
        self.node = node
        self._key = key

    @property
    def cursor(self) -> str:  # type: ignore[override]  # read-only: made from the key
        return encode_cursor(self._key)


def connection(nodes: list[T], keys: Sequence[int | Sequence[Any]], info: PageInfo,
               counter: Callable[[], Awaitable[int]] | None = None) -> Connection[T]:
    return Connection(
        edges=[_KeyedEdge(n, k) for n, k in zip(nodes, keys, strict=True)],
        page_info=info, counter=counter or info.counter,
    )


def empty_connection(first: int | None = None, last: int | None = None) -> Connection:
    """No list at all (a guest, a hidden parent): still checks the page size."""
    _direction(first, last)

    async def zero() -> int:
        return 0

    return Connection(edges=[], page_info=PageInfo(
        has_next_page=False, has_previous_page=False, start_cursor=None, end_cursor=None),
        counter=zero)


# --- paging a list already in memory (Redis rankings, small bounded sets) ----------------

def list_page(items: Sequence[T], keys: Sequence[Any], first: int | None,
              after: str | None, *, last: int | None = None,
              before: str | None = None) -> Connection[T]:
    """A page of a list in its final order whose keys (id, or sort values ending with the
    id) are unique: the cursor finds its key, not a position, so rows inserted above it do
    not shift the next page (a cursor whose item left the list is BAD_CURSOR)."""
    size, backward = _direction(first, last)
    keys = [k if isinstance(k, (int, tuple, list)) else (k,) for k in keys]
    length = 1 if not keys or isinstance(keys[0], int) else len(keys[0])
    norm = [[k] if isinstance(k, int) else [_typed(_plain(v)) for v in k] for k in keys]
    cursor, cursor_field = (before, "before") if backward else (after, "after")
    start, stop = 0, len(items)
    if cursor:
        mark = decode_cursor(cursor, field=cursor_field, length=length, id_tail=False)
        index = next((i for i, k in enumerate(norm) if k == mark), None)
        if index is None:
            raise ValidationFailed("cursor is not valid", field=cursor_field,
                                   code="BAD_CURSOR")
        if backward:
            stop = index
        else:
            start = index + 1
    low = max(start, stop - size) if backward else start
    chosen = range(low, stop if backward else min(stop, start + size))
    total = len(items)

    async def counter() -> int:
        return total

    info = PageInfo(
        has_next_page=before is not None if backward else chosen.stop < stop,
        has_previous_page=chosen.start > start if backward else after is not None,
        start_cursor=encode_cursor(keys[chosen.start]) if chosen else None,
        end_cursor=encode_cursor(keys[chosen.stop - 1]) if chosen else None,
    )
    return connection([items[i] for i in chosen], [keys[i] for i in chosen], info, counter)


def _page_info(rows: Sequence[Any], keys: Sequence[Any], more: bool, backward: bool,
               after: str | None, before: str | None) -> PageInfo:
    return PageInfo(
        has_next_page=before is not None if backward else more,
        has_previous_page=more if backward else after is not None,
        start_cursor=encode_cursor(keys[0]) if rows else None,
        end_cursor=encode_cursor(keys[-1]) if rows else None,
    )


Fetch = Callable[[int, tuple[Any, ...] | None, bool], Awaitable[list[T]]]


async def values_page(fetch: Fetch[T], key: Callable[[T], tuple[Any, ...]],
                      first: int | None, after: str | None, *, last: int | None = None,
                      before: str | None = None, length: int,
                      id_tail: bool = True) -> tuple[list[T], list[tuple[Any, ...]], PageInfo]:
    """A keyset page of a list a domain function reads itself (aggregate SQL, a raw query):
    `fetch(limit, mark, backward)` returns up to `limit` rows strictly after the sort values
    `mark` (before them, nearest first, when `backward`), and `key` gives a row's sort values
    (`length` of them, unique, the cursor). Returns the rows in list order, their keys and
    the page info (no counter: the caller knows whether a count is cheap)."""
    size, backward = _direction(first, last)
    cursor, cursor_field = (before, "before") if backward else (after, "after")
    mark = None
    if cursor:
        mark = tuple(decode_cursor(cursor, field=cursor_field, length=length, id_tail=id_tail))
    rows = list(await fetch(size + 1, mark, backward))
    more = len(rows) > size
    rows = rows[:size]
    if backward:
        rows.reverse()
    keys = [key(r) for r in rows]
    return rows, keys, _page_info(rows, keys, more, backward, after, before)


def ranked_page(items: Sequence[T], keys: Sequence[tuple[Any, ...]], first: int | None,
                after: str | None, *, last: int | None = None,
                before: str | None = None) -> Connection[T]:
    """A page of a ranking computed whole (it cannot be ranked part by part), whose `keys`
    are its sort values, ascending and unique (ending with the id). The cursor holds a row's
    sort values, not its position: the next page is the rows ranked after those values, so
    rows that join the ranking above the cursor, or leave it, never shift the next page
    (list_page's cursor, by contrast, must still find its row)."""
    size, backward = _direction(first, last)
    cursor, cursor_field = (before, "before") if backward else (after, "after")
    length = len(keys[0]) if keys else 0
    start, stop = 0, len(items)
    if cursor:
        mark = tuple(decode_cursor(cursor, field=cursor_field, length=length or 1,
                                   id_tail=True))
        if keys and len(mark) != length:
            raise ValidationFailed("cursor is not valid", field=cursor_field,
                                   code="BAD_CURSOR")
        try:
            if backward:
                stop = bisect.bisect_left(keys, mark)
            else:
                start = bisect.bisect_right(keys, mark)
        except TypeError:  # values of another list's types
            raise ValidationFailed("cursor is not valid", field=cursor_field,
                                   code="BAD_CURSOR") from None
    low = max(start, stop - size) if backward else start
    high = stop if backward else min(stop, start + size)
    chosen = list(range(low, high))
    more = (low > start) if backward else (high < stop)
    total = len(items)

    async def counter() -> int:
        return total

    page_keys = [keys[i] for i in chosen]
    info = _page_info(chosen, page_keys, more, backward, after, before)
    return connection([items[i] for i in chosen], page_keys, info, counter)


# --- arguments and deprecations, the same words on every paged field ---------------------

First = Annotated[int | None, strawberry.argument(description=FIRST_HELP)]
After = Annotated[str | None, strawberry.argument(description=AFTER_HELP)]
Last = Annotated[int | None, strawberry.argument(description=LAST_HELP)]
Before = Annotated[str | None, strawberry.argument(description=BEFORE_HELP)]

# docs/frontend.md, "Schema changes": a replaced field stays (deprecated) for six months.
REMOVAL_DATE = "2027-06-30"


def replaced_by(name: str) -> str:
    """The deprecation reason of a plain list replaced by the connection `name`."""
    return f"Use `{name}` (a paged connection). Removed after {REMOVAL_DATE}."


def preceding(order: Sequence[str], values: Sequence[Any]) -> Q:
    """The rows strictly before `values` in `order` (to count a row's position)."""
    return _beyond(order, values, backward=True)
