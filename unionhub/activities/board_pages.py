"""A page of a live daily-count leaderboard in one Redis round trip (the leaderboard screen's
hot path): the completeness check `leaderboards.ensure_built` makes, the page, the board's size
and the competition rank of its first entry, in one script; rebuilt through `ensure_built`
when the check fails."""

from __future__ import annotations

import hashlib
from typing import Any, cast

from redis.exceptions import NoScriptError

from unionhub.activities.leaderboards import (
    Board,
    Entry,
    _key,
    _marker,
    ensure_built,
    has_entries,
)
from unionhub.activities.models import Activity
from unionhub.cache import safe, shared_connection
from unionhub.observability.redis_spans import traced_shared_command
from unionhub.redis_topology import ClusterShared

# One round trip for a page (the leaderboard screen): KEYS: the marker, the board. ARGV: the
# member or union id the page follows ('' for the first page), the page size. Returns whether
# both keys exist (EXISTS's count), the page's first position (-1: the id is not on the board),
# the board's size, the number of entries scoring above the page's first one, the page with
# one entry more (ZREVRANGE WITHSCORES), and, when ARGV[3] is a key prefix, the value of
# prefix .. id .. '}' for each entry of the page (the member records the screen shows: one
# round trip instead of a second for their MGET; those keys are not declared, fine on one Redis
# as the lookup's script, and never sent to a Redis Cluster). Only the first entry needs a
# ZCOUNT: further down the page an entry scoring below its predecessor has exactly its
# position's number of entries above. ARGV[4], when given, is one more key whose value ends the
# reply (the caller's record: `try_page`).
_PAGE = """
local present = redis.call('EXISTS', KEYS[1], KEYS[2])
local start = 0
if ARGV[1] ~= '' then
  local pos = redis.call('ZREVRANK', KEYS[2], ARGV[1])
  if not pos then return {present, -1} end
  start = pos + 1
end
local rows = redis.call('ZREVRANGE', KEYS[2], start, start + tonumber(ARGV[2]), 'WITHSCORES')
local above = 0
if #rows > 0 then above = redis.call('ZCOUNT', KEYS[2], '(' .. rows[2], '+inf') end
local records = {}
if ARGV[3] ~= '' then
  for i = 1, math.min(#rows, 2 * tonumber(ARGV[2])), 2 do
    records[#records + 1] = redis.call('GET', ARGV[3] .. rows[i] .. '}') or false
  end
end
local reply = {present, start, redis.call('ZCARD', KEYS[2]), above, rows, records}
if ARGV[4] ~= '' then reply[7] = redis.call('GET', ARGV[4]) or false end
return reply
"""
_PAGE_SHA = hashlib.sha1(_PAGE.encode()).hexdigest()  # noqa: S324 (Redis's name for it)


async def _page_script(activity_id: int, board: Board, after_key: int | None,
                       size: int, record_prefix: str = "",
                       extra_key: str = "") -> list[Any] | None:
    """The script on the hot path's shared connection; None when Redis cannot answer."""
    shared = shared_connection()
    args = ("EVALSHA", _PAGE_SHA, 2, _marker(activity_id), _key(activity_id, board),
            "" if after_key is None else str(after_key), str(size), record_prefix, extra_key)

    async def run() -> list[Any]:
        try:
            return cast("list[Any]", await traced_shared_command(shared, *args))
        except NoScriptError:  # a restarted or flushed Redis: load it once, then as before
            await shared.client.script_load(_PAGE)
            return cast("list[Any]", await traced_shared_command(shared, *args))

    return await safe(run(), None)


async def try_page(activity: Activity, board: Board, after_key: int | None, size: int,
                   record_prefix: str, extra_key: str) -> list[Any] | None:
    """The page script's reply, read only (it never rebuilds), with the value of `extra_key`
    last (the caller's cached record): for a caller that checks who may see the board with
    that value, then hands the reply to `page` (`tried`). None on a Redis Cluster (the keys
    lie in other slots) or when Redis cannot answer."""
    if isinstance(shared_connection(), ClusterShared) or activity.board_misses:
        return None
    return await _page_script(activity.id, board, after_key, size, record_prefix, extra_key)


async def page_built(activity: Activity, board: Board, after_key: int | None, size: int,
                     record_prefix: str = "") -> list[Any] | None:
    """The page script's reply once `ensure_built` found the board complete. None when Redis
    cannot answer, or when the board was evicted since the check (the script's EXISTS) while
    the database has entries for it: the caller then pages the database, and the next read
    rebuilds; a page of the missing key would read as empty (board_reads says more)."""
    found = await _page_script(activity.id, board, after_key, size, record_prefix)
    if found is None or (int(found[0]) < 2 and await has_entries(activity, board)):
        return None
    return found


async def page(activity: Activity, board: Board, after_key: int | None, size: int,
               record_prefix: str = "", tried: list[Any] | None = None,
               ) -> tuple[list[Entry], bool, int, list[Any] | None] | None:
    """A page of the live board after the entry `after_key` (its position now, so a board
    that moves between pages neither repeats nor skips an entry that kept its place), with
    whether more follow, the board's size and, with `record_prefix` (a key prefix the entry's
    id and "}" complete: the member records' cache), the value of each entry's key (None
    when the script could not read them: a Redis Cluster). None when Redis cannot serve it:
    the caller pages the database snapshot instead. LookupError when `after_key` is not on
    the board. One Redis round trip while the board is complete (`ensure_built`'s checks, in
    the script); none more when `tried` is `try_page`'s reply for the same page."""
    if isinstance(shared_connection(), ClusterShared):
        record_prefix = ""  # the records are in other slots than the board
    found = tried
    if found is None and not activity.board_misses:
        found = await _page_script(activity.id, board, after_key, size, record_prefix)
        if found is None:
            return None
    if found is None or int(found[0]) < 2:  # missed writes, or a key missing: check, rebuild
        if not await ensure_built(activity, board):
            return None
        found = await page_built(activity, board, after_key, size, record_prefix)
        if found is None:
            return None
    start = int(found[1])
    if start < 0:
        raise LookupError(after_key)
    total, above, flat = int(found[2]), int(found[3]), found[4]
    rows = [(int(flat[i]), float(flat[i + 1])) for i in range(0, len(flat), 2)]
    entries: list[Entry] = []
    for i, (key, score) in enumerate(rows[:size]):  # competition rank: 1 + the entries above
        tied = i > 0 and score == entries[-1].score
        rank = entries[-1].rank if tied else (start + i if i else above) + 1
        entries.append(Entry(rank=rank, score=score, key=key))
    records = found[5] if record_prefix and len(found) > 5 else None
    return entries, len(rows) > size, total, records
