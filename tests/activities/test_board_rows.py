"""The leaderboards' per-process activity rows (activities.board_rows): a write Redis missed in
another process shows within BOARD_ROW_TTL_SECONDS, one in this process at once, and who may
see the activity is checked on every request, cached row or not."""

from __future__ import annotations

import asyncio

import redis.asyncio as redis_asyncio

from tests.activities.helpers import STEPS, _sql, create, day, enroll
from unionhub import cache
from unionhub.activities import board_rows
from unionhub.activities.models import Activity, Enrollment

PAGE = """query P($id: ID!) { leaderboardConnection(activityId: $id, by: MEMBER, first: 10) {
  edges { node { rank score member { id displayName } } } } }"""


def _scores(result) -> dict[str, float]:
    assert result.errors == [], result.errors
    edges = result.data["leaderboardConnection"]["edges"]
    return {e["node"]["member"]["id"]: e["node"]["score"] for e in edges}


async def _walk(gql, factory, walkers: int = 2):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    walk = await create(gql, cadre, tree.counties["A"])
    accounts = [await factory.account(tree.grassroots["A"][i % 2]) for i in range(walkers)]
    for i, account in enumerate(accounts):
        await enroll(gql, account, walk["id"])
        r = await gql(STEPS, {"id": walk["id"], "date": day(0), "steps": 3000 + 1000 * i},
                      token=account.token)
        assert r.errors == [] and r.data["submitSteps"]["errors"] == []
    return tree, walk, accounts


async def test_another_process_missed_write_shows_within_the_ttl(gql, factory, monkeypatch):
    _, walk, accounts = await _walk(gql, factory)
    monkeypatch.setattr(board_rows.rows, "ttl", 0.5)
    board_rows.rows.clear()
    token, activity_id = accounts[0].token, int(walk["id"])
    before = _scores(await gql(PAGE, {"id": walk["id"]}, token=token))  # the row cached now
    # Another worker's submission that Redis missed: the database's total moves and the miss
    # is counted on the row, Redis keeps its old board.
    await Enrollment.filter(activity_id=activity_id, member_id=accounts[0].id).update(
        total_counted=9000)
    await Activity.filter(id=activity_id).update(board_misses=1)
    # Within the TTL this process still trusts the board (the lag its description states)...
    assert _scores(await gql(PAGE, {"id": walk["id"]}, token=token)) == before
    await asyncio.sleep(0.6)
    # ...and no longer: the row is read again, its miss makes the read rebuild from the database.
    after = _scores(await gql(PAGE, {"id": walk["id"]}, token=token))
    assert after[str(accounts[0].id)] == 9000.0
    assert (await Activity.get(id=activity_id)).board_misses == 0


async def test_this_process_missed_write_shows_at_once(gql, factory, monkeypatch):
    _, walk, accounts = await _walk(gql, factory)
    monkeypatch.setattr(board_rows.rows, "ttl", 3600.0)  # so only the invalidation can help
    activity_id = int(walk["id"])
    _scores(await gql(PAGE, {"id": walk["id"]}, token=accounts[0].token))
    assert board_rows.rows.cached(activity_id) is not None
    working = cache._client
    cache._client = redis_asyncio.Redis.from_url("redis://127.0.0.1:1/0", decode_responses=True,
                                                 socket_connect_timeout=1)
    try:
        r = await gql(STEPS, {"id": walk["id"], "date": day(1), "steps": 8000},
                      token=accounts[0].token)
        assert r.errors == [] and r.data["submitSteps"]["errors"] == []
    finally:
        await cache._client.aclose()
        cache._client = working
    assert board_rows.rows.cached(activity_id) is None  # forgotten with the counted miss
    # Redis is back with the board that lacks the write: the next read rebuilds it at once.
    healed = _scores(await gql(PAGE, {"id": walk["id"]}, token=accounts[0].token))
    assert healed[str(accounts[0].id)] == 3000.0 + 8000.0
    assert (await Activity.get(id=activity_id)).board_misses == 0


async def test_visibility_is_checked_on_every_request(gql, factory):
    tree, walk, accounts = await _walk(gql, factory, walkers=1)
    outsider = await factory.account(tree.grassroots["B"][0])
    _scores(await gql(PAGE, {"id": walk["id"]}, token=accounts[0].token))
    assert board_rows.rows.cached(int(walk["id"])) is not None
    # The cached row is not an answer: a member outside the organiser's subtree is refused
    # exactly as for an activity that does not exist.
    hidden = await gql(PAGE, {"id": walk["id"]}, token=outsider.token)
    missing = await gql(PAGE, {"id": str(int(walk["id"]) + 1000)}, token=outsider.token)
    assert hidden.error_codes() == missing.error_codes() == ["NOT_FOUND"]
    assert hidden.errors[0]["message"] == missing.errors[0]["message"]
    assert hidden.body["data"] is None and missing.body["data"] is None


async def test_a_warm_page_reads_no_sql(gql, factory, spans):
    _, walk, accounts = await _walk(gql, factory)
    board_rows.rows.clear()
    spans.clear()
    _scores(await gql(PAGE, {"id": walk["id"]}, token=accounts[0].token))
    assert _sql(spans) == 1  # the activity row, read once per TTL
    spans.clear()
    _scores(await gql(PAGE, {"id": walk["id"]}, token=accounts[0].token))
    assert _sql(spans) == 0  # the row cached, the page and records from Redis


async def test_an_unknown_activity_costs_no_more_than_a_known_one_until_created(gql, factory):
    # Unknown ids are cached as not found (row_cache.py): the leaderboard of an id that does not
    # exist answers from the process as fast as one that does, so its time tells nothing.
    from tests.querycount import count_queries

    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    board_rows.rows.clear()
    last = await Activity.all().order_by("-id").first()
    ahead = list(range((last.id if last else 0) + 1, (last.id if last else 0) + 51))
    for activity_id in ahead:
        assert await board_rows.get(activity_id) is None
    with count_queries(cold=False) as warm:
        assert await board_rows.get(ahead[0]) is None
    assert warm.count == 0, warm
    # Created: its id was asked for before, yet the new activity shows at once.
    walk = await create(gql, cadre, tree.counties["A"])
    assert int(walk["id"]) in ahead
    row = await board_rows.get(int(walk["id"]))
    assert row is not None and row.name == "测试活动 WALKING"
