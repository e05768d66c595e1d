"""Walking leaderboards in Redis sorted sets, rebuilt exactly from the database.

The database is the truth: each enrolment keeps its member's total counted steps and each
(activity, union) tally its sums, updated in the same transaction as the step records. Step
submissions write the new absolute values to Redis while still holding those rows' locks, so
writes for one member or one union reach Redis in commit order. A marker key says the boards
are complete; when Redis lost them (flush, restart) the next read rebuilds both from the
database, and when Redis is down reads rank straight from the database; writes Redis
missed are counted on the activity row, so the first read after it returns rebuilds.

A rebuild never loses a submission that runs beside it (`prepare`, `finish`). Its swap would
put the snapshot's older value over a push the snapshot did not see: one pushed while the
rebuild ran, or pushed just before it by a transaction that committed after the snapshot (or
that a replica had not replayed). So a rebuild first opens a "touched" set into which every
push adds its member and union while the set exists; after the snapshot it reads the live
boards, and each entry that differs from the snapshot is touched too. The swap takes the set
(one script), and the rebuild then re-reads the touched members and unions from the database
under their rows' locks, the locks submissions push under, and writes them: a submission
still open is waited for, a later one pushes after. Between the swap and that re-application
(a few ms) a touched entry may show its older value. One rebuild runs at a time per
activity (the set is its lock); another answers False, and a read then ranks from the database.

Eviction (`allkeys-lru`) drops keys one by one, so a board can go while its marker stays. A
read trusts a board only when its key and the marker both exist (one EXISTS over the two);
otherwise, if the database has entries for that board, it rebuilds (an empty board has no key,
so a missing key alone does not mean loss); the read after that check asks again in its
own script, in case the board went in between (`board_reads`). A submission that finds a
board missing under a marker that says the boards have entries drops the marker in the same
script, so its ZADD cannot leave a one-entry board that looks complete. Keys share a hash
tag per activity, so the scripts (a submission's, the rebuild's) stay in one Redis Cluster
slot.

Union score (docs/domain.md): 70% the members' average counted steps, 30% the participation rate,
on a 0–100 scale: 70 × (mean total counted steps of the union's walkers ÷ the most a member
can count in the window) + 30 × (walkers ÷ members of the union), each part capped at 1.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import cast

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from unionhub.activities import board_rows
from unionhub.activities.models import Activity, ActivityKind, Enrollment, UnionTally
from unionhub.cache import FAILURES, fell_back, get_redis, safe
from unionhub.clock import SHANGHAI
from unionhub.db_replicas import replica_read
from unionhub.identity.roster import member_counts

_CHUNK = 5000


class Board(StrEnum):
    MEMBER = "MEMBER"
    UNION = "UNION"


@dataclass(frozen=True)
class Entry:
    rank: int
    score: float
    key: int  # member id or union id


def _key(activity_id: int, board: Board) -> str:
    return f"act:{{{activity_id}}}:lb:{'m' if board == Board.MEMBER else 'u'}"


def _marker(activity_id: int) -> str:
    return f"act:{{{activity_id}}}:lb:ok"


def _touched(activity_id: int) -> str:
    """While a rebuild runs: '#' + its token, and 'm<id>' / 'u<id>' for each entry pushed."""
    return f"act:{{{activity_id}}}:lb:rb"


# The marker is "e" while both boards are complete and empty (no keys), "1" once they have
# entries. A board missing under a "1" marker was evicted: drop the marker so the next read
# rebuilds, rather than let a ZADD create a partial board that looks complete.
_MARK = """
local mark = redis.call('GET', KEYS[3])
if mark == 'e' then
  redis.call('SET', KEYS[3], '1')
elseif mark and redis.call('EXISTS', KEYS[1], KEYS[2]) < 2 then
  redis.call('DEL', KEYS[3])
end
"""
# KEYS: member board, union board, marker, touched set. ARGV: member id, its total, union id,
# its points. A rebuild running (its set exists) is told which entries to re-apply.
_PUSH = _MARK + """
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
if redis.call('EXISTS', KEYS[4]) == 1 then
  redis.call('SADD', KEYS[4], 'm' .. ARGV[1], 'u' .. ARGV[3])
end
return 1
"""
# A rebuild's re-application. KEYS: as _PUSH's first three. ARGV: the number of member
# entries, then (id, score) pairs, members first; an empty score removes the entry.
_REAPPLY = _MARK + """
local split = 2 + 2 * tonumber(ARGV[1])
for i = 2, #ARGV, 2 do
  local board = KEYS[i < split and 1 or 2]
  if ARGV[i + 1] == '' then
    redis.call('ZREM', board, ARGV[i])
  else
    redis.call('ZADD', board, ARGV[i + 1], ARGV[i])
  end
end
return 1
"""
# KEYS: the touched set. ARGV: the rebuild's token, the set's expiry (a rebuild that died).
_BEGIN = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SADD', KEYS[1], '#' .. ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""


# KEYS: member build, member board, union build, union board, marker, touched set. ARGV: the
# marker, the rebuild's token. A build that exists replaces its board (without the build's
# expiry); none deletes the board. Returns the touched entries, and ends the rebuild (deletes
# the set). Without its token in the set (evicted, or expired) what was pushed meanwhile is
# unknown: no swap, and no marker, so the next read rebuilds.
_SWAP = """
if redis.call('SISMEMBER', KEYS[6], '#' .. ARGV[2]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[3], KEYS[5])
  return false
end
for i = 1, 3, 2 do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('RENAME', KEYS[i], KEYS[i + 1])
    redis.call('PERSIST', KEYS[i + 1])
  else
    redis.call('DEL', KEYS[i + 1])
  end
end
redis.call('SET', KEYS[5], ARGV[1])
local touched = redis.call('SMEMBERS', KEYS[6])
redis.call('DEL', KEYS[6])
return touched
"""
_BUILD_TTL_SECONDS = 600
_REBUILD_TTL_SECONDS = 120  # a rebuild takes seconds; one that died blocks others this long


def window_dates(activity: Activity) -> tuple[date, date]:
    """The first and last day (Asia/Shanghai) on which steps count."""
    first = activity.starts_at.astimezone(SHANGHAI).date()
    last = (activity.ends_at - timedelta(microseconds=1)).astimezone(SHANGHAI).date()
    return first, last


def window_days(activity: Activity) -> int:
    first, last = window_dates(activity)
    return (last - first).days + 1


def daily_cap(activity: Activity) -> int:
    """The most a member counts in one day: minutes for a reading activity, steps otherwise."""
    if activity.kind == ActivityKind.READING:
        return int(activity.daily_minute_cap)
    return activity.daily_step_cap


def union_score(counted_sum: int, participants: int, members: int, cap: int, days: int) -> float:
    if participants <= 0:
        return 0.0
    steps_part = min(counted_sum / participants / (cap * days), 1.0)
    participation = min(participants / max(members, 1), 1.0)
    return round(70 * steps_part + 30 * participation, 6)


async def mark_complete(activity_id: int) -> None:
    """A new challenge's empty boards are complete: no rebuild needed on the first read."""
    await safe(get_redis().set(_marker(activity_id), "e"), None)


async def push(activity_id: int, member_id: int, member_total: int, union_id: int,
               union_points: float) -> None:
    """Absolute values after a submission (call inside its transaction). When Redis cannot
    take them, the miss is counted on the activity row in the same transaction, so the first
    read after Redis is back rebuilds instead of serving a board that lacks this write."""
    written = get_redis().eval(
        _PUSH, 4, _key(activity_id, Board.MEMBER), _key(activity_id, Board.UNION),
        _marker(activity_id), _touched(activity_id), str(member_id), str(member_total),
        str(union_id), repr(union_points))
    if await safe(cast("Awaitable[str]", written), None) is None:  # redis-py types eval as sync or async
        await _count_miss(activity_id)


async def _count_miss(activity_id: int) -> None:
    await Activity.filter(id=activity_id).update(board_misses=F("board_misses") + 1)
    board_rows.forget(activity_id)  # this process's next read sees the miss at once


@replica_read
async def snapshot(activity: Activity) -> tuple[dict[int, float], dict[int, float]]:
    """Both boards computed from the database."""
    members = {
        m: float(total)
        for m, total in await Enrollment.filter(activity_id=activity.id, step_days__gt=0)
        .values_list("member_id", "total_counted")
    }
    tallies = await UnionTally.filter(activity_id=activity.id, participants__gt=0)
    counts = await member_counts([t.union_id for t in tallies])
    days = window_days(activity)
    unions = {
        t.union_id: union_score(t.counted_sum, t.participants, counts.get(t.union_id, 0),
                                daily_cap(activity), days)
        for t in tallies
    }
    return members, unions


@dataclass
class Prepared:
    """A rebuild between its snapshot and its swap (`prepare`, then `finish`)."""
    token: str
    members: dict[int, float]
    unions: dict[int, float]
    differ: tuple[set[int], set[int]]  # live entries (members, unions) the snapshot disagrees with


async def prepare(activity: Activity) -> Prepared | None:
    """A rebuild's first step: open the touched set, take the snapshot, then compare the live
    boards with it (a push before the set opened may belong to a transaction the snapshot
    missed). None when another rebuild of the activity runs."""
    redis = get_redis()
    token = secrets.token_hex(4)
    started = redis.eval(_BEGIN, 1, _touched(activity.id), token, str(_REBUILD_TTL_SECONDS))
    if not await cast("Awaitable[int]", started):
        return None
    members, unions = await snapshot(activity)
    differ: list[set[int]] = []
    for board, scores in ((Board.MEMBER, members), (Board.UNION, unions)):
        live = await redis.zrange(_key(activity.id, board), 0, -1, withscores=True)
        differ.append({int(k) for k, v in live if scores.get(int(k)) != float(v)})
    return Prepared(token, members, unions, (differ[0], differ[1]))


async def finish(activity: Activity, prepared: Prepared) -> bool:
    """A rebuild's last step: build aside, swap in (RENAME), then re-apply what was touched.
    False when the rebuild lost its touched set (the next read rebuilds)."""
    members, unions = prepared.members, prepared.unions
    redis = get_redis()
    # The builds are private keys (with an expiry, in case this process dies half way); one
    # script swaps both in and sets the marker, in place of a MULTI (none on a cluster).
    pipe = redis.pipeline(transaction=False)
    swap: list[str] = []
    for board, scores in ((Board.MEMBER, members), (Board.UNION, unions)):
        key = _key(activity.id, board)
        tmp = f"{key}:build:{prepared.token}"
        items = [(str(k), v) for k, v in scores.items()]
        for i in range(0, len(items), _CHUNK):
            pipe.zadd(tmp, dict(items[i:i + _CHUNK]))
        if items:
            pipe.expire(tmp, _BUILD_TTL_SECONDS)
        swap += [tmp, key]
    await pipe.execute()
    touched = await redis.eval(_SWAP, 6, *swap, _marker(activity.id), _touched(activity.id),  # type: ignore[misc]  # redis-py types its commands as sync or async
                               "1" if members or unions else "e", prepared.token)
    if touched is None:
        return False
    again_m, again_u = set(prepared.differ[0]), set(prepared.differ[1])
    for entry in touched:
        if entry[0] in "mu":
            (again_m if entry[0] == "m" else again_u).add(int(entry[1:]))
    if again_m or again_u:
        await _reapply(activity, again_m, again_u)
    return True


async def _reapply(activity: Activity, member_ids: set[int], union_ids: set[int]) -> None:
    """Write these entries' values as the database holds them, read under the rows' locks
    (enrolments before tallies, as a submission takes them) so that no submission pushes
    between the read and the write. A write Redis misses is counted, as a push's."""
    async with in_transaction():
        enrolments = await Enrollment.filter(activity_id=activity.id, member_id__in=member_ids) \
            .order_by("id").select_for_update()
        tallies = await UnionTally.filter(activity_id=activity.id, union_id__in=union_ids) \
            .order_by("id").select_for_update()
        counts = await member_counts([t.union_id for t in tallies])
        values: dict[int, str] = dict.fromkeys(member_ids, "")  # '': off the board
        values.update((e.member_id, str(e.total_counted)) for e in enrolments if e.step_days)
        scores: dict[int, str] = dict.fromkeys(union_ids, "")
        scores.update((t.union_id, repr(union_score(
            t.counted_sum, t.participants, counts.get(t.union_id, 0), daily_cap(activity),
            window_days(activity)))) for t in tallies if t.participants)
        args = [str(len(values))] + [x for pair in [*values.items(), *scores.items()]
                                     for x in (str(pair[0]), pair[1])]
        written = get_redis().eval(_REAPPLY, 3, _key(activity.id, Board.MEMBER),
                                   _key(activity.id, Board.UNION), _marker(activity.id), *args)
        if await safe(cast("Awaitable[int]", written), None) is None:
            await _count_miss(activity.id)


async def rebuild(activity: Activity) -> bool:
    """Replace both boards by the database's values, atomically (build aside, then RENAME),
    losing no submission made meanwhile. False when another rebuild runs (or this one lost
    its touched set): the boards are then not known to be complete."""
    prepared = await prepare(activity)
    return prepared is not None and await finish(activity, prepared)


async def has_entries(activity: Activity, board: Board) -> bool:
    if board == Board.MEMBER:
        return await Enrollment.filter(activity_id=activity.id, step_days__gt=0).exists()
    return await UnionTally.filter(activity_id=activity.id, participants__gt=0).exists()


async def ensure_built(activity: Activity, board: Board) -> bool:
    """True when Redis holds this board complete (rebuilding the boards if lost, evicted or
    if they missed writes); False when Redis is down, and the caller ranks from the database."""
    present = await safe(get_redis().exists(_marker(activity.id), _key(activity.id, board)), None)
    if present is None:
        return False
    misses = activity.board_misses
    if not misses and (present == 2 or not await has_entries(activity, board)):
        # Both keys, or an empty board (no key): entries are never removed, so none in the
        # database means no key in Redis either, and reading the missing key gives [].
        return True
    try:
        if not await rebuild(activity):
            return False
    except FAILURES as exc:
        fell_back(exc)
        return False
    if misses:
        # Only the misses this rebuild covered: one counted meanwhile forces another rebuild.
        if await Activity.filter(id=activity.id, board_misses=misses).update(board_misses=0):
            activity.board_misses = 0  # as the database now says (the row may be the cached one)
        board_rows.forget(activity.id)  # else a miss counted meanwhile: read it afresh
    return True


def ranked(pairs: list[tuple[int, float]]) -> list[Entry]:
    """Competition ranking (1, 2, 2, 4) in the sorted set's own order (ZREVRANGE): ties by the
    id's decimal text, descending ("9" before "10"). The database fallback must list ties as
    Redis does, or a page cursor taken from one and followed on the other (a Redis outage, its
    recovery) skips or repeats tied entries, and a cut-off at `first` picks other ones."""
    pairs = sorted(pairs, key=lambda p: (p[1], str(p[0])), reverse=True)
    entries: list[Entry] = []
    for i, (key, score) in enumerate(pairs):
        rank = entries[-1].rank if entries and entries[-1].score == score else i + 1
        entries.append(Entry(rank=rank, score=score, key=key))
    return entries
