"""Leaderboards under `allkeys-lru`: Redis evicts keys one by one, so a board can go while its
"built" marker stays (or the reverse). Every read after that must still be exact."""

from __future__ import annotations

from tests.activities.board_flows import _board, _submit, _walk_with_steps
from tests.activities.helpers import create, enroll
from unionhub import cache
from unionhub.activities.leaderboards import Board, _key, _marker

RANK = """query Rank($id: ID!, $by: LeaderboardScope!) {
  activity(id: $id) { myRank(by: $by) { rank score } }
}"""


async def test_an_evicted_board_under_its_marker_is_rebuilt_not_read_as_empty(gql, factory):
    walk, walkers = await _walk_with_steps(gql, factory)
    activity_id = int(walk["id"])
    redis = cache.get_redis()
    expected = {by: await _board(gql, walk, walkers[0], by) for by in ("MEMBER", "UNION")}
    assert len(expected["MEMBER"]) == 5 and len(expected["UNION"]) == 2

    for board, by in ((Board.MEMBER, "MEMBER"), (Board.UNION, "UNION")):
        assert await redis.delete(_key(activity_id, board)) == 1  # evicted ...
        assert await redis.exists(_marker(activity_id)) == 1  # ... while the marker stays
        assert await _board(gql, walk, walkers[0], by) == expected[by]
        assert await redis.exists(_key(activity_id, board)) == 1

    # A member's own place, read first after the eviction.
    await redis.delete(_key(activity_id, Board.MEMBER))
    mine = (await gql(RANK, {"id": walk["id"], "by": "MEMBER"}, token=walkers[4].token)).data
    assert mine["activity"]["myRank"] == {"rank": 1, "score": 6000}


async def test_a_submission_into_an_evicted_board_does_not_pass_for_the_whole(gql, factory):
    walk, walkers = await _walk_with_steps(gql, factory)
    activity_id = int(walk["id"])
    redis = cache.get_redis()
    await _board(gql, walk, walkers[0], "MEMBER")
    await redis.delete(_key(activity_id, Board.MEMBER), _key(activity_id, Board.UNION))
    # The submission lands before any read; its ZADD alone would make a one-entry board.
    await _submit(gql, walkers[0], walk["id"], 1, 9000)
    members = await _board(gql, walk, walkers[0], "MEMBER")
    assert len(members) == 5 and members[0] == (1, 11000)
    assert len(await _board(gql, walk, walkers[0], "UNION")) == 2


async def test_an_evicted_marker_under_its_board_rebuilds(gql, factory):
    walk, walkers = await _walk_with_steps(gql, factory, walkers=3)
    activity_id = int(walk["id"])
    redis = cache.get_redis()
    expected = await _board(gql, walk, walkers[0], "MEMBER")
    await redis.delete(_marker(activity_id))
    # A stale entry the marker's absence must not let through.
    await redis.zadd(_key(activity_id, Board.MEMBER), {str(walkers[0].member.id): 1})
    assert await _board(gql, walk, walkers[0], "MEMBER") == expected
    assert await redis.exists(_marker(activity_id)) == 1


async def test_a_new_challenges_empty_boards_read_empty_then_fill(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    walk = await create(gql, cadre, tree.province)
    walker = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, walker, walk["id"])
    assert await _board(gql, walk, walker, "MEMBER") == []
    assert await _board(gql, walk, walker, "UNION") == []
    await _submit(gql, walker, walk["id"], 0, 4000)
    assert await _board(gql, walk, walker, "MEMBER") == [(1, 4000)]
    assert len(await _board(gql, walk, walker, "UNION")) == 1
