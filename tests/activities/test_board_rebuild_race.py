"""A board rebuild racing step submissions (activities/leaderboards.py): every submission that
commits while a rebuild runs is on the board once the rebuild has finished, whether its push
to Redis came between the rebuild's snapshot and its swap, before the snapshot (its transaction
still open), or while the rebuild re-applies it. The rebuild is driven step by step
(`prepare`, then `finish`); the submissions are real ones, or, where one must stay open after
its push, its write steps (`steps.add_to_totals`) in a transaction the test holds."""

from __future__ import annotations

import asyncio
import os

import asyncpg
import pytest
from tortoise.transactions import in_transaction

from tests.activities.board_flows import _board, _submit, _walk_with_steps
from tests.pg_locks import until_waiting
from unionhub import cache, db
from unionhub.activities import leaderboards
from unionhub.activities.leaderboards import Board, _key, _marker, _touched
from unionhub.activities.models import Activity, Enrollment
from unionhub.activities.steps import add_to_totals


async def _redis_boards(activity: Activity) -> tuple[dict[int, float], dict[int, float]]:
    redis = cache.get_redis()
    boards = []
    for board in (Board.MEMBER, Board.UNION):
        rows = await redis.zrange(_key(activity.id, board), 0, -1, withscores=True)
        boards.append({int(k): float(s) for k, s in rows})
    return boards[0], boards[1]


async def _assert_exact(activity: Activity) -> None:
    """Redis holds what the database says, entry for entry, on both boards."""
    assert await _redis_boards(activity) == await leaderboards.snapshot(activity)


async def test_a_submission_between_the_snapshot_and_the_swap_stays_on_the_board(gql, factory):
    walk, walkers = await _walk_with_steps(gql, factory, walkers=3)
    activity = await Activity.get(id=int(walk["id"]))
    prepared = await leaderboards.prepare(activity)  # the snapshot: walkers[0] has 2000
    assert prepared is not None
    await _submit(gql, walkers[0], walk["id"], 1, 9000)  # pushed to Redis, committed
    assert await leaderboards.finish(activity, prepared)
    await _assert_exact(activity)
    assert (await _board(gql, walk, walkers[0], "MEMBER"))[0] == (1, 11000)


async def _open_submission(activity: Activity, member_id: int, delta: int):
    """A submission's write steps up to its push, its transaction left open: yields once the
    push is in Redis, commits when resumed."""
    async with in_transaction():
        enrollment = await Enrollment.filter(activity_id=activity.id, member_id=member_id) \
            .select_for_update().get()
        await add_to_totals(activity, enrollment, member_id, delta, False)
        yield


async def test_a_submission_pushed_before_the_snapshot_and_committed_after_it(gql, factory):
    if not db.is_postgres():
        pytest.skip("two transactions at once: PostgreSQL")
    walk, walkers = await _walk_with_steps(gql, factory, walkers=3)
    activity = await Activity.get(id=int(walk["id"]))
    start = asyncio.Event()

    async def rebuild_step() -> leaderboards.Prepared | None:
        await start.wait()
        return await leaderboards.prepare(activity)

    preparing = asyncio.create_task(rebuild_step())  # its own connection, outside the transaction
    submission = _open_submission(activity, walkers[0].member.id, 7000)
    try:
        await anext(submission)  # pushed (9000), not committed
        start.set()
        prepared = await preparing  # the snapshot still reads 2000
        await anext(submission, None)  # committed
    finally:
        await submission.aclose()
    assert prepared is not None and prepared.members[walkers[0].member.id] == 2000
    assert await leaderboards.finish(activity, prepared)
    await _assert_exact(activity)
    assert (await _board(gql, walk, walkers[0], "MEMBER"))[0] == (1, 9000)


async def test_a_submission_still_open_when_the_rebuild_reapplies_it(gql, factory):
    if not db.is_postgres():
        pytest.skip("holds a row lock while the rebuild waits: PostgreSQL")
    walk, walkers = await _walk_with_steps(gql, factory, walkers=3)
    activity = await Activity.get(id=int(walk["id"]))
    prepared = await leaderboards.prepare(activity)
    assert prepared is not None
    start = asyncio.Event()

    async def rebuild_step() -> bool:
        await start.wait()
        return await leaderboards.finish(activity, prepared)

    finishing = asyncio.create_task(rebuild_step())  # its own connection, outside the transaction
    submission = _open_submission(activity, walkers[0].member.id, 7000)
    watcher = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await anext(submission)  # pushed during the rebuild, not committed
        start.set()
        # The rebuild re-reads the member under the row's lock: it waits for the commit
        # rather than write the value committed before it (2000) over the push (9000).
        await until_waiting(watcher, unless=finishing)
        assert not finishing.done(), finishing.result()
        await anext(submission, None)  # committed
    finally:
        await submission.aclose()
        await watcher.close()
    assert await finishing
    await _assert_exact(activity)
    assert (await _board(gql, walk, walkers[0], "MEMBER"))[0] == (1, 9000)


async def test_one_rebuild_at_a_time_and_reads_meanwhile_rank_from_the_database(gql, factory):
    walk, walkers = await _walk_with_steps(gql, factory, walkers=3)
    activity = await Activity.get(id=int(walk["id"]))
    expected = await _board(gql, walk, walkers[0], "MEMBER")
    prepared = await leaderboards.prepare(activity)
    assert prepared is not None
    assert await leaderboards.prepare(activity) is None  # another rebuild waits its turn
    await cache.get_redis().delete(_key(activity.id, Board.MEMBER))  # a read must rebuild ...
    assert await _board(gql, walk, walkers[0], "MEMBER") == expected  # ... so ranks the database
    assert await leaderboards.finish(activity, prepared)
    await _assert_exact(activity)
    assert await leaderboards.rebuild(activity)  # the next one runs


async def test_a_rebuild_that_lost_its_touched_set_swaps_nothing(gql, factory):
    walk, walkers = await _walk_with_steps(gql, factory, walkers=3)
    activity = await Activity.get(id=int(walk["id"]))
    prepared = await leaderboards.prepare(activity)
    assert prepared is not None
    await cache.get_redis().delete(_touched(activity.id))  # evicted: pushes since are unknown
    await _submit(gql, walkers[0], walk["id"], 1, 9000)
    assert not await leaderboards.finish(activity, prepared)
    assert await cache.get_redis().exists(_marker(activity.id)) == 0  # the next read rebuilds
    assert (await _board(gql, walk, walkers[0], "MEMBER"))[0] == (1, 11000)
    await _assert_exact(activity)
