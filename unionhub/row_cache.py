"""Per-process caches of rows that change rarely and are the same for every caller.

The member screens read catalogue rows (a product's supplier and category, a service request's
item) on nearly every request, and those rows are written only when created (no update path
changes them; a write that did would call `forget`). A request reads them from here, without
I/O, when this process read them less than `ttl` seconds ago; otherwise one query for the
misses. Only rows that every principal may read the same way go here (no per-caller
filtering, nothing personal): what a caller may see is decided before or after, never by the
cache. Across processes (several workers, replicas) a change shows within the TTL, as the union
cache (`identity.orgs`).

What is not found is cached too, as a negative entry with the same TTL: otherwise an unknown id
always read the database while a known one answered from memory, and the difference in time
told a caller which ids exist (activities, catalogue rows) without any right to see them. So a
row's creation calls `forget(id)` (its id may have been asked for before it existed): this
process sees it at once, others within the TTL, as any change.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

_ALL: list[RowCache[object, object]] = []
_MISSING: object = object()  # a negative entry: the load found no row for the key


class RowCache(Generic[K, V]):
    """Rows by key for at most `ttl` seconds; `load(keys)` reads the misses (one query). At
    most `max_rows` are kept (a province's catalogue or unions must not grow a process without
    bound): when full, the expired go first, then the oldest stored."""

    def __init__(self, name: str, ttl: float,
                 load: Callable[[list[K]], Awaitable[dict[K, V]]],
                 max_rows: int = 50_000) -> None:
        self.name, self.ttl, self._load, self.max_rows = name, ttl, load, max_rows
        self._rows: dict[K, tuple[float, V | object]] = {}
        _ALL.append(self)  # type: ignore[arg-type]

    def cached(self, key: K) -> V | None:
        """The row if this process holds it fresh, without I/O (a resolver that finds it here
        answers at once instead of scheduling a DataLoader load); None otherwise, a fresh
        negative entry included (`get_many` then answers it without I/O too)."""
        hit = self._rows.get(key)
        if hit is None or hit[0] <= time.monotonic() or hit[1] is _MISSING:
            return None
        return hit[1]  # type: ignore[return-value]

    async def get_many(self, keys: Iterable[K]) -> dict[K, V]:
        now = time.monotonic()
        found: dict[K, V] = {}
        missing: list[K] = []
        for key in keys:
            hit = self._rows.get(key)
            if hit is not None and hit[0] > now:
                if hit[1] is not _MISSING:
                    found[key] = hit[1]  # type: ignore[assignment]
            elif key not in found:
                missing.append(key)
        if missing:
            asked = list(dict.fromkeys(missing))
            loaded = await self._load(asked)
            now = time.monotonic()
            for key in asked:
                self._store(key, loaded.get(key, _MISSING), now)
            found.update(loaded)
        return found

    def _store(self, key: K, row: V | object, now: float) -> None:
        rows = self._rows
        if len(rows) >= self.max_rows and key not in rows:
            for stale in [k for k, (until, _) in rows.items() if until <= now]:
                del rows[stale]
            while len(rows) >= self.max_rows:
                del rows[next(iter(rows))]  # the oldest stored
        rows.pop(key, None)  # a refreshed row counts as newest
        rows[key] = (now + self.ttl, row)

    def __contains__(self, key: object) -> bool:
        """Whether a row (not a negative entry) is held, fresh or not."""
        hit = self._rows.get(key)  # type: ignore[arg-type]
        return hit is not None and hit[1] is not _MISSING

    def __len__(self) -> int:
        return len(self._rows)

    def forget(self, key: K) -> None:
        """After a change to a row, or its creation: this process reads it afresh (others
        within the TTL)."""
        self._rows.pop(key, None)

    def clear(self) -> None:
        self._rows.clear()


def clear_all() -> None:
    """Every row cache of this process emptied (tests empty the tables and ids start again)."""
    for cache in _ALL:
        cache.clear()
