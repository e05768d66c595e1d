"""A board evicted between `ensure_built` (which found it complete) and the read that follows:
under `allkeys-lru` Redis may drop it in that gap, and a ZREVRANGE (or ZSCORE) of the missing
key answers nothing, so the board read as empty and a member as unranked. Each read after the
check now sees, in the same script, whether the board is still there, and ranks from the
database when it is gone (the next read rebuilds). The test runs the read step on its own,
with the board deleted under its marker, as the eviction would leave it."""

from __future__ import annotations

from tests.activities.board_flows import _board, _walk_with_steps
from tests.activities.helpers import create
from unionhub import cache
from unionhub.activities import board_pages, board_reads
from unionhub.activities.leaderboards import Board, _key, _marker, ensure_built
from unionhub.activities.models import Activity


async def _checked_then_evicted(activity: Activity, board: Board) -> None:
    assert await ensure_built(activity, board)
    redis = cache.get_redis()
    assert await redis.delete(_key(activity.id, board)) == 1  # evicted after the check ...
    assert await redis.exists(_marker(activity.id)) == 1  # ... its marker still there


async def test_a_board_evicted_after_its_check_is_not_read_as_empty(gql, factory):
    walk, walkers = await _walk_with_steps(gql, factory)
    activity = await Activity.get(id=int(walk["id"]))
    expected = {by: await _board(gql, walk, walkers[0], by) for by in ("MEMBER", "UNION")}
    for board in (Board.MEMBER, Board.UNION):
        await _checked_then_evicted(activity, board)
        read = await board_reads.top_built(activity, board, 50)
        assert [(e.rank, e.score) for e in read] == expected[board.value]

    await _checked_then_evicted(activity, Board.MEMBER)
    mine = await board_reads.rank_built(activity, Board.MEMBER, walkers[4].member.id)
    assert mine is not None and (mine.rank, mine.score) == (1, 6000)
    await _checked_then_evicted(activity, Board.MEMBER)
    theirs = await board_reads.rank_built(activity, Board.MEMBER, walkers[0].member.id)
    assert theirs is not None and (theirs.rank, theirs.score) == (5, 2000)


async def test_a_page_of_a_board_evicted_after_its_check_goes_to_the_database(gql, factory):
    walk, _ = await _walk_with_steps(gql, factory)
    activity = await Activity.get(id=int(walk["id"]))
    await _checked_then_evicted(activity, Board.MEMBER)
    # None: "Redis cannot serve it", and the caller pages the database snapshot.
    assert await board_pages.page_built(activity, Board.MEMBER, None, 20) is None


async def test_an_empty_board_still_reads_empty_from_redis(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    walk = await create(gql, cadre, tree.province)
    activity = await Activity.get(id=int(walk["id"]))
    assert await ensure_built(activity, Board.MEMBER)
    assert await board_reads.top_built(activity, Board.MEMBER, 20) == []
    assert await board_reads.rank_built(activity, Board.MEMBER, 1) is None
    found = await board_pages.page_built(activity, Board.MEMBER, None, 20)
    assert found is not None and found[4] == []
