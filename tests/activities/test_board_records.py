"""The member leaderboard's page reads its members' cached records, and the caller's, in its own
script: one Redis round trip a page instead of three (the caller's record, the page, the
members' records), the same names as the records hold, and a member whose record is not cached
(evicted, or dropped by a write) read from the database, cached again, and shown with the name
just written. The script runs before the caller's visibility check, so: a caller who may not
see the activity is refused as before (NOT_FOUND, whatever the cursor), and a board missing
from Redis is rebuilt only for a caller who may see it."""

from __future__ import annotations

from tests.activities.helpers import STEPS, create, day, enroll
from unionhub.activities.leaderboards import Board, _key
from unionhub.cache import get_redis
from unionhub.identity import lookup
from unionhub.identity.models import Member

PAGE = """query P($id: ID!, $first: Int, $after: String) { leaderboardConnection(activityId: $id,
  by: MEMBER, first: $first, after: $after) { edges { node { rank score member { id
  displayName } } } pageInfo { hasNextPage endCursor } } }"""


def _redis_round_trips(spans) -> list[str]:
    return [s.name for s in spans.get_finished_spans()
            if (s.attributes or {}).get("db.system") == "redis"]


async def test_page_reads_member_records_in_its_script(gql, factory, spans):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    walk = await create(gql, cadre, tree.counties["A"])
    walkers = [await factory.account(tree.grassroots["A"][i % 2]) for i in range(5)]
    for i, account in enumerate(walkers):
        await enroll(gql, account, walk["id"])
        r = await gql(STEPS, {"id": walk["id"], "date": day(0), "steps": 1000 * (i + 1)},
                      token=account.token)
        assert r.errors == [] and r.data["submitSteps"]["errors"] == []
    viewer = walkers[0]
    names = {str(m.id): m.display_name
             for m in await Member.filter(id__in=[a.member.id for a in walkers])}

    async def page(first: int, after: str | None = None) -> tuple[dict, list[str]]:
        spans.clear()
        r = await gql(PAGE, {"id": walk["id"], "first": first, "after": after},
                      token=viewer.token)
        assert r.errors == [], r.errors
        return r.data["leaderboardConnection"], _redis_round_trips(spans)

    await page(3)  # every record cached, the board built, the activity's row cached
    first, trips = await page(3)
    assert len(trips) == 1, trips  # the page with its members' records and the caller's
    shown = [(e["node"]["member"]["id"], e["node"]["member"]["displayName"])
             for e in first["edges"]]
    assert shown == [(str(walkers[i].member.id), names[str(walkers[i].member.id)])
                     for i in (4, 3, 2)]
    rest, trips = await page(3, first["pageInfo"]["endCursor"])
    assert len(trips) == 1 and [e["node"]["rank"] for e in rest["edges"]] == [4, 5]

    # A record missing from Redis (a write dropped it): read from the database, cached again.
    missing = walkers[3].member.id
    await Member.filter(id=missing).update(display_name="改名会员")
    await lookup.invalidate_member(missing)
    again, trips = await page(3)
    assert again["edges"][1]["node"]["member"]["displayName"] == "改名会员"
    assert await get_redis().get(lookup._KEY.format(missing)) is not None
    assert [e["node"]["member"]["id"] for e in again["edges"]] == [s[0] for s in shown]


async def test_callers_who_may_not_see_the_board_are_refused_before_any_rebuild(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    walk = await create(gql, cadre, tree.counties["A"])
    walker = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, walker, walk["id"])
    r = await gql(STEPS, {"id": walk["id"], "date": day(0), "steps": 4000}, token=walker.token)
    assert r.errors == [] and r.data["submitSteps"]["errors"] == []
    seen = await gql(PAGE, {"id": walk["id"], "first": 5}, token=walker.token)
    assert seen.errors == []  # the activity's row is cached now
    outsider = await factory.account(tree.grassroots["B"][0])
    await gql(PAGE, {"id": walk["id"], "first": 5}, token=outsider.token)  # record cached
    board = _key(int(walk["id"]), Board.MEMBER)
    await get_redis().delete(board)  # evicted: the next read by one who may see it rebuilds
    for variables in ({"first": 5}, {"first": 5, "after": "bm90IGEgY3Vyc29y"},
                      {"first": 999}):
        refused = await gql(PAGE, {"id": walk["id"], **variables}, token=outsider.token)
        missing = await gql(PAGE, {"id": "987654321", **variables}, token=outsider.token)
        assert refused.error_codes() == missing.error_codes() == ["NOT_FOUND"], variables
    assert not await get_redis().exists(board)  # the outsider's reads rebuilt nothing
    again = await gql(PAGE, {"id": walk["id"], "first": 5}, token=walker.token)
    assert again.errors == [] and len(again.data["leaderboardConnection"]["edges"]) == 1
    assert await get_redis().exists(board)
