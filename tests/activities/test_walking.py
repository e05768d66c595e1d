"""Walking challenge: one capped record per member per day, and leaderboards that Redis may
lose and the database rebuilds exactly."""

from __future__ import annotations

import asyncio

from tests.activities.helpers import BOARD, STEPS, create, day, enroll
from unionhub import cache, db
from unionhub.activities.leaderboards import window_days
from unionhub.activities.models import Activity, Enrollment, StepRecord, UnionTally

RANK = """query Rank($id: ID!, $by: LeaderboardScope!) {
  activity(id: $id) { myRank(by: $by) { rank score member { id } union { id } }
                      myEnrollment { totalCountedSteps stepDays } mySteps { date steps countedSteps } }
}"""


async def _submit(gql, account, activity_id, offset, steps):
    result = await gql(STEPS, {"id": activity_id, "date": day(offset), "steps": steps},
                       token=account.token)
    assert result.errors == [], result.errors
    return result.data["submitSteps"]


async def test_one_record_per_day_replaced_and_capped(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    walk = await create(gql, cadre, tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    assert (await _submit(gql, member, walk["id"], 1, 5000))["errors"][0]["code"] == "NOT_ENROLLED"
    await enroll(gql, member, walk["id"])

    first = await _submit(gql, member, walk["id"], 1, 5000)
    assert first["record"] == {"date": day(1), "steps": 5000, "countedSteps": 5000}
    again = await _submit(gql, member, walk["id"], 1, 5000)  # the same count: nothing changes
    assert again["record"]["countedSteps"] == 5000
    capped = await _submit(gql, member, walk["id"], 0, 20000)
    assert capped["record"] == {"date": day(0), "steps": 20000, "countedSteps": 12000}

    for offset, steps, code in [(0, 98801, "STEPS_IMPLAUSIBLE"), (0, -1, "STEPS_INVALID"),
                                (-1, 1000, "DATE_IN_FUTURE"), (11, 1000, "DATE_OUTSIDE_WINDOW")]:
        refused = await _submit(gql, member, walk["id"], offset, steps)
        assert refused["errors"][0]["code"] == code and refused["record"] is None
    assert (await _submit(gql, member, walk["id"], 2, 98800))["record"]["countedSteps"] == 12000

    mine = (await gql(RANK, {"id": walk["id"], "by": "MEMBER"}, token=member.token)).data["activity"]
    assert mine["myEnrollment"] == {"totalCountedSteps": 5000 + 12000 + 12000, "stepDays": 3}
    assert [s["date"] for s in mine["mySteps"]] == [day(0), day(1), day(2)]
    assert await StepRecord.filter(activity_id=int(walk["id"])).count() == 3
    assert mine["myRank"]["rank"] == 1 and mine["myRank"]["score"] == 29000


async def test_concurrent_resubmissions_leave_one_record_and_exact_totals(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    walk = await create(gql, cadre, tree.counties["A"], dailyStepCap=10000)
    member = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, member, walk["id"])
    values = [1000 * i for i in range(1, 16)]
    await asyncio.gather(*(_submit(gql, member, walk["id"], 1, v) for v in values))
    records = await StepRecord.filter(activity_id=int(walk["id"]))
    # A day's steps only go up: whatever order they commit in, the highest count stands.
    assert len(records) == 1 and records[0].steps == max(values)
    enrollment = await Enrollment.get(activity_id=int(walk["id"]), member_id=member.member.id)
    assert enrollment.total_counted == records[0].counted and enrollment.step_days == 1
    tally = await UnionTally.get(activity_id=int(walk["id"]))
    assert (tally.counted_sum, tally.participants) == (records[0].counted, 1)
    board = (await gql(BOARD, {"id": walk["id"], "by": "MEMBER"}, token=member.token)).data
    assert board["leaderboard"][0]["score"] == records[0].counted


async def _sql_member_ranking(activity_id: int) -> list[tuple[str, float]]:
    rows = await db.conn().execute_query_dict(
        "SELECT member_id, SUM(counted) AS total FROM activity_step_records "
        f"WHERE activity_id = {int(activity_id)} GROUP BY member_id "
        "ORDER BY total DESC, member_id ASC"
    )
    return [(str(r["member_id"]), float(r["total"])) for r in rows]


async def _sql_union_ranking(activity: Activity) -> list[tuple[str, float]]:
    sums = await db.conn().execute_query_dict(
        "SELECT union_id, SUM(counted) AS s, COUNT(DISTINCT member_id) AS p "
        f"FROM activity_step_records WHERE activity_id = {activity.id} GROUP BY union_id"
    )
    members = {r["union_id"]: r["n"] for r in await db.conn().execute_query_dict(
        "SELECT union_id, COUNT(*) AS n FROM members WHERE joined_at IS NOT NULL GROUP BY union_id"
    )}
    most = activity.daily_step_cap * window_days(activity)
    scored = [
        (r["union_id"], round(70 * min(int(r["s"]) / r["p"] / most, 1)
                              + 30 * min(r["p"] / members[r["union_id"]], 1), 6))
        for r in sums
    ]
    return [(str(u), s) for u, s in sorted(scored, key=lambda x: (-x[1], x[0]))]


def _board(result, who: str) -> list[tuple[str, float]]:
    assert result.errors == [], result.errors
    return [(e[who]["id"], e["score"]) for e in result.data["leaderboard"]]


async def test_leaderboards_rebuilt_exactly_after_redis_loses_them(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    walk = await create(gql, cadre, tree.province)
    unions = [tree.grassroots["A"][0], tree.grassroots["A"][1], tree.grassroots["B"][0]]
    walkers = []
    for i in range(9):
        account = await factory.account(unions[i % 3])
        await enroll(gql, account, walk["id"])
        walkers.append(account)
    await factory.account(unions[2])  # a member of B who does not walk: lowers participation
    for i, account in enumerate(walkers):
        for offset in range(i % 4 + 1):
            await _submit(gql, account, walk["id"], offset, 3000 + 1700 * ((i * 7 + offset) % 9))
    await _submit(gql, walkers[4], walk["id"], 0, 12500)  # a resubmission raises a total
    activity = await Activity.get(id=int(walk["id"]))
    expected_members = await _sql_member_ranking(activity.id)
    expected_unions = await _sql_union_ranking(activity)
    variables = {"id": walk["id"], "first": 50}

    async def boards():
        m = await gql(BOARD, {**variables, "by": "MEMBER"}, token=walkers[0].token)
        u = await gql(BOARD, {**variables, "by": "UNION"}, token=walkers[0].token)
        return _board(m, "member"), _board(u, "union")

    assert await boards() == (expected_members, expected_unions)
    await cache.get_redis().flushdb()
    assert await boards() == (expected_members, expected_unions)

    # Lost again, and a submission lands before anyone reads: the board is still complete.
    await cache.get_redis().flushdb()
    await _submit(gql, walkers[1], walk["id"], 0, 11111)
    expected_members = await _sql_member_ranking(activity.id)
    assert (await boards())[0] == expected_members
    assert (await boards())[1] == await _sql_union_ranking(activity)

    # A member sees their own place: the rank among all, ties sharing a rank.
    me = walkers[3]
    mine = (await gql(RANK, {"id": walk["id"], "by": "MEMBER"}, token=me.token)).data
    ids = [m for m, _ in expected_members]
    scores = dict(expected_members)
    rank = 1 + sum(1 for s in scores.values() if s > scores[me.id])
    assert mine["activity"]["myRank"]["member"]["id"] == me.id
    assert mine["activity"]["myRank"]["rank"] == rank and me.id in ids
    union_rank = (await gql(RANK, {"id": walk["id"], "by": "UNION"}, token=me.token)).data
    assert union_rank["activity"]["myRank"]["union"]["id"] == str(unions[0].id)

    # Ties share a rank.
    tied_a, tied_b = walkers[0], walkers[1]
    await db.conn().execute_script(
        f"UPDATE activity_enrollments SET total_counted = 777 WHERE member_id IN "
        f"({tied_a.member.id}, {tied_b.member.id})")
    await cache.get_redis().flushdb()
    entries = (await gql(BOARD, {**variables, "by": "MEMBER"}, token=me.token)).data["leaderboard"]
    tied = [e for e in entries if e["score"] == 777]
    assert len(tied) == 2 and tied[0]["rank"] == tied[1]["rank"]


async def test_only_walking_challenges_take_steps(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    event = await create(gql, cadre, tree.counties["A"], "EVENT")
    member = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, member, event["id"])
    refused = await _submit(gql, member, event["id"], 0, 100)
    assert refused["errors"][0]["code"] == "NOT_A_WALKING_CHALLENGE"
    assert (await gql(BOARD, {"id": event["id"], "by": "MEMBER"})).errors  # guests: not found


async def test_redis_down_ranks_from_the_database_and_heals_after(gql, factory):
    """Redis unreachable (a real client pointed at a closed port): submissions still succeed,
    boards are ranked from the database, and the first read after Redis returns rebuilds."""
    import redis.asyncio as redis_asyncio

    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    walk = await create(gql, cadre, tree.counties["A"])
    walkers = [await factory.account(tree.grassroots["A"][i % 2]) for i in range(3)]
    for i, account in enumerate(walkers):
        await enroll(gql, account, walk["id"])
        await _submit(gql, account, walk["id"], 1, 4000 + 1000 * i)
    variables = {"id": walk["id"], "by": "MEMBER", "first": 10}
    assert len((await gql(BOARD, variables, token=walkers[0].token)).data["leaderboard"]) == 3

    working = cache._client
    cache._client = redis_asyncio.Redis.from_url("redis://127.0.0.1:1/0", decode_responses=True,
                                                 socket_connect_timeout=1)
    try:
        stored = await _submit(gql, walkers[0], walk["id"], 0, 9000)
        assert stored["errors"] == []
        assert (await Activity.get(id=int(walk["id"]))).board_misses == 1
        down = await gql(BOARD, variables, token=walkers[0].token)
        assert down.errors == []
        assert _board(down, "member") == await _sql_member_ranking(int(walk["id"]))
    finally:
        await cache._client.aclose()
        cache._client = working
    # Redis is back with its old board, which missed the write: the read rebuilds it.
    healed = await gql(BOARD, variables, token=walkers[0].token)
    assert _board(healed, "member") == await _sql_member_ranking(int(walk["id"]))
    assert (await Activity.get(id=int(walk["id"]))).board_misses == 0


async def test_periodic_reconcile_repairs_a_stale_entry(gql, factory):
    from unionhub.activities.jobs import reconcile_leaderboards
    from unionhub.jobs import periodic_jobs

    assert "activities.reconcile_leaderboards" in {j.name for j in periodic_jobs()}
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    walk = await create(gql, cadre, tree.counties["A"])
    walkers = [await factory.account(tree.grassroots["A"][0]) for _ in range(2)]
    for i, account in enumerate(walkers):
        await enroll(gql, account, walk["id"])
        await _submit(gql, account, walk["id"], 0, 3000 + 1000 * i)
    # An entry overwritten by a racing rebuild's older snapshot (simulated in Redis itself).
    await cache.get_redis().zadd(f"act:{{{walk['id']}}}:lb:m", {walkers[1].id: 1})
    variables = {"id": walk["id"], "by": "MEMBER", "first": 10}
    stale = _board(await gql(BOARD, variables, token=walkers[0].token), "member")
    assert stale != await _sql_member_ranking(int(walk["id"]))
    assert await reconcile_leaderboards() == 1
    fixed = _board(await gql(BOARD, variables, token=walkers[0].token), "member")
    assert fixed == await _sql_member_ranking(int(walk["id"]))


async def test_the_database_refuses_implausible_or_overcounted_records(gql, factory):
    import pytest
    from tortoise.exceptions import IntegrityError

    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    walk = await create(gql, cadre, tree.counties["A"])
    row = {"activity_id": int(walk["id"]), "member_id": 1, "union_id": 1, "day": day(0)}
    with pytest.raises(IntegrityError):
        await StepRecord.create(**row, steps=98801, counted=12000)
    with pytest.raises(IntegrityError):
        await StepRecord.create(**row, steps=5000, counted=6000)
