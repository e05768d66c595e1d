"""A leaderboard's ties listed in one order by Redis and by the database fallback: a page
cursor taken from one source and followed on the other (during a Redis outage, or right
after it) neither skips nor repeats a tied member."""

from __future__ import annotations

import redis.asyncio as redis_asyncio

from tests.activities.helpers import BOARD, STEPS, board_query, create, day, enroll
from unionhub import cache


async def _page(gql, activity_id: str, by: str, token: str, size: int,
                after: str | None) -> tuple[list[str], str | None]:
    r = await gql(board_query(), {"id": activity_id, "by": by, "first": size, "after": after},
                  token=token)
    assert r.errors == [], r.body
    conn = r.data["leaderboardConnection"]
    who = "member" if by == "MEMBER" else "union"
    ids = [e["node"][who]["id"] for e in conn["edges"]]
    more = conn["pageInfo"]["hasNextPage"]
    return ids, conn["pageInfo"]["endCursor"] if more else None


async def _all(gql, activity_id: str, by: str, token: str, size: int,
               after: str | None = None) -> list[str]:
    ids: list[str] = []
    while True:
        got, after = await _page(gql, activity_id, by, token, size, after)
        ids += got
        if after is None:
            return ids


class _Down:
    """Redis unreachable: a real client pointed at a closed port."""

    async def __aenter__(self) -> None:
        self.working = cache._client
        cache._client = redis_asyncio.Redis.from_url(
            "redis://127.0.0.1:1/0", decode_responses=True, socket_connect_timeout=1)

    async def __aexit__(self, *exc: object) -> None:
        await cache._client.aclose()
        cache._client = self.working


async def test_tied_members_page_the_same_from_redis_and_from_the_database(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    walk = await create(gql, cadre, tree.counties["A"])
    walkers = [await factory.account(tree.grassroots["A"][i % 2]) for i in range(12)]
    for i, account in enumerate(walkers):
        await enroll(gql, account, walk["id"])
        r = await gql(STEPS, {"id": walk["id"], "date": day(1), "steps": 3000 + 1000 * (i % 3)},
                      token=account.token)
        assert r.data["submitSteps"]["errors"] == [], r.body
    token = walkers[0].token
    from_redis = await _all(gql, walk["id"], "MEMBER", token, 2)
    assert sorted(from_redis) == sorted(str(w.member.id) for w in walkers)
    async with _Down():
        from_db = await _all(gql, walk["id"], "MEMBER", token, 2)
        # The old list (`leaderboard`) and its cut-off at `first` agree too.
        old = await gql(BOARD, {"id": walk["id"], "by": "MEMBER", "first": 5}, token=token)
        assert [e["member"]["id"] for e in old.data["leaderboard"]] == from_redis[:5]
    assert from_db == from_redis
    # A cursor from Redis followed on the database, and one from the database on Redis.
    head, cursor = await _page(gql, walk["id"], "MEMBER", token, 3, None)
    async with _Down():
        tail, cursor = await _page(gql, walk["id"], "MEMBER", token, 4, cursor)
    rest = await _all(gql, walk["id"], "MEMBER", token, 4, cursor)
    assert head + tail + rest == from_redis
    old = await gql(BOARD, {"id": walk["id"], "by": "MEMBER", "first": 5}, token=token)
    assert [e["member"]["id"] for e in old.data["leaderboard"]] == from_redis[:5]


async def test_a_quiz_union_board_lists_equal_means_more_participants_first(gql, factory):
    from tests.activities.quiz_flows import RIGHT, SUBMIT, _answers, _quiz, _start

    tree, quiz = await _quiz(gql, factory)
    from unionhub.activities.leaderboards import ranked

    # `few` is the union the walking boards' tie order (by id) would list first.
    a, b = tree.grassroots["A"][:2]
    few, many = (a, b) if ranked([(a.id, 1.0), (b.id, 1.0)])[0].key == a.id else (b, a)
    accounts = [await factory.account(u) for u in (few, many, many)]
    for account in accounts:
        await enroll(gql, account, quiz["id"])
        attempt = (await _start(gql, account, quiz["id"]))["attempt"]
        r = await gql(SUBMIT, {"id": quiz["id"], "answers": _answers(attempt, RIGHT)},
                      token=account.token)
        assert r.data["submitQuizAnswers"]["errors"] == [], r.body
    token = accounts[0].token
    expected = [str(many.id), str(few.id)]  # equal means: more participants first
    old = await gql(BOARD, {"id": quiz["id"], "by": "UNION", "first": 5}, token=token)
    assert [(e["union"]["id"], e["rank"]) for e in old.data["leaderboard"]] == [
        (expected[0], 1), (expected[1], 1)]
    cut = await gql(BOARD, {"id": quiz["id"], "by": "UNION", "first": 1}, token=token)
    assert [e["union"]["id"] for e in cut.data["leaderboard"]] == expected[:1]
    assert await _all(gql, quiz["id"], "UNION", token, 1) == expected
