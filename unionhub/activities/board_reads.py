"""Reads of a live daily-count board: its first places and one entry's place.

`leaderboards.ensure_built` makes sure the board is complete, but under `allkeys-lru` Redis
may evict it again before the read that follows: a ZREVRANGE (or ZSCORE) of a missing key
answers nothing, and the board would read as empty, a member as unranked. So each read is one
script that also answers whether the board and its marker both exist (the check
`ensure_built` makes); when they do not and the database has entries for the board, the read
ranks from the database (as when Redis is down), and the next read rebuilds. A board with no
entries has no key: that one reads as empty from Redis. `top_built` and `rank_built` are the
read step alone, after the check (tests/activities/test_board_evicted_after_check.py).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, cast

from unionhub.activities.leaderboards import (
    Board,
    Entry,
    _key,
    _marker,
    ensure_built,
    has_entries,
    ranked,
    snapshot,
)
from unionhub.activities.models import Activity
from unionhub.cache import get_redis, safe

# KEYS: the marker, the board. ARGV: how many places. {both keys exist, the places}.
_TOP = """
local present = redis.call('EXISTS', KEYS[1], KEYS[2])
return {present, redis.call('ZREVRANGE', KEYS[2], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')}
"""
# KEYS: as _TOP's. ARGV: the member or union id. {both keys exist, its score or '', the
# number of entries scoring above it}.
_RANK = """
local present = redis.call('EXISTS', KEYS[1], KEYS[2])
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
if not score then return {present, '', 0} end
return {present, score, redis.call('ZCOUNT', KEYS[2], '(' .. score, '+inf')}
"""


async def _from_database(activity: Activity, board: Board) -> list[Entry]:
    members, unions = await snapshot(activity)
    return ranked(list((members if board == Board.MEMBER else unions).items()))


async def _read(activity: Activity, board: Board, script: str, arg: str) -> list[Any] | None:
    """The script's reply; None when Redis cannot answer, or when the board is gone (evicted
    since the check) while the database has entries for it."""
    reply = await safe(cast("Awaitable[list[Any]]", get_redis().eval(
        script, 2, _marker(activity.id), _key(activity.id, board), arg)), None)
    if reply is None or (int(reply[0]) < 2 and await has_entries(activity, board)):
        return None
    return reply


async def top(activity: Activity, board: Board, first: int) -> list[Entry]:
    if not await ensure_built(activity, board):
        return (await _from_database(activity, board))[:first]
    return await top_built(activity, board, first)


async def top_built(activity: Activity, board: Board, first: int) -> list[Entry]:
    """The first `first` places, once `ensure_built` found the board complete."""
    reply = await _read(activity, board, _TOP, str(first))
    if reply is None:
        return (await _from_database(activity, board))[:first]
    rows = reply[1]
    return ranked([(int(rows[i]), float(rows[i + 1])) for i in range(0, len(rows), 2)])


async def rank_of(activity: Activity, board: Board, key: int) -> Entry | None:
    if not await ensure_built(activity, board):
        return next((e for e in await _from_database(activity, board) if e.key == key), None)
    return await rank_built(activity, board, key)


async def rank_built(activity: Activity, board: Board, key: int) -> Entry | None:
    """The place of `key` (a member or union id), once `ensure_built` found the board complete."""
    reply = await _read(activity, board, _RANK, str(key))
    if reply is None:
        return next((e for e in await _from_database(activity, board) if e.key == key), None)
    if reply[1] in ("", b""):
        return None
    return Entry(rank=int(reply[2]) + 1, score=float(reply[1]), key=key)
