"""List operations make a fixed number of SQL queries however long the list (no N+1)."""

from __future__ import annotations

from tests.activities.helpers import _sql, create, day, enroll
from unionhub.activities import board_rows
from unionhub.identity.orgs import clear_union_cache

LIST = """query { activities(first: 50) { edges { node { id name enrolledCount organizer { name }
  myEnrollment { status } } } } }"""
MINE = """query { me { activities(first: 50) { status activity { name organizer { name } } } } }"""


async def _count(gql, spans, query, token) -> int:
    spans.clear()
    clear_union_cache()  # measure the cold path: union rows are cached per process otherwise
    result = await gql(query, token=token)
    assert result.errors == [], result.errors
    return _sql(spans)


async def test_activity_lists_do_not_grow_queries_with_length(gql, factory, spans):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    organisers = [tree.counties["A"], *tree.grassroots["A"]]

    async def add(n: int) -> None:
        for i in range(n):
            made = await create(gql, cadre, organisers[i % len(organisers)], "EVENT")
            await enroll(gql, member, made["id"])

    await add(2)
    small = (await _count(gql, spans, LIST, member.token),
             await _count(gql, spans, MINE, member.token))
    await add(9)
    large = (await _count(gql, spans, LIST, member.token),
             await _count(gql, spans, MINE, member.token))
    # activities + the caller's enrolments + organisers; enrolments + activities + organisers
    assert small == large == (3, 3)


BOARD = """query B($id: ID!) { leaderboard(activityId: $id, by: MEMBER, first: 50) {
  rank score member { id displayName union { name } } } }"""


async def test_leaderboard_members_load_in_batches(gql, factory, spans):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    walk = await create(gql, cadre, tree.counties["A"])
    viewer = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, viewer, walk["id"])

    async def walkers(n: int) -> None:
        for i in range(n):
            account = await factory.account(tree.grassroots["A"][i % 2])
            await enroll(gql, account, walk["id"])
            await gql("""mutation S($id: ID!, $d: Date!) { submitSteps(input: {activityId: $id,
                         date: $d, steps: 5000}) { errors { code } } }""",
                      {"id": walk["id"], "d": day(0)}, token=account.token)

    async def count() -> int:
        spans.clear()
        clear_union_cache()
        board_rows.rows.clear()  # the cold path: the activity row is cached per process too
        result = await gql(BOARD, {"id": walk["id"]}, token=viewer.token)
        assert result.errors == []
        return _sql(spans)

    await walkers(2)
    small = await count()
    await walkers(10)
    large = await count()
    assert small == large == 2  # the activity, the members' unions (members: cached records)
