"""Reading activities (网上读书): a record a day, replaced on resubmission, minutes capped,
no future days; streaks; leaderboards by minutes for members and unions."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from tests.activities.helpers import BOARD, CREATE, READ, create, day, enroll, window
from tests.pg_locks import while_closing
from unionhub import cache, db
from unionhub.activities.models import Enrollment, ReadingRecord
from unionhub.activities.reading import streak
from unionhub.clock import today_shanghai

MINE = """query M($id: ID!) { activity(id: $id) { dailyMinuteCap myStreak
  myReadings { date minutes title } myRank { rank score } } }"""


async def _reading(gql, factory, **extra):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    activity = await create(gql, cadre, tree.counties["A"], "READING", **extra)
    return tree, activity


async def _read(gql, member, activity_id, offset, minutes, title="平凡的世界"):
    result = await gql(READ, {"id": activity_id, "d": day(offset), "m": minutes, "t": title},
                       token=member.token)
    return result.data["recordReading"]


async def test_records_replace_the_day_and_make_a_streak(gql, factory):
    tree, activity = await _reading(gql, factory, dailyMinuteCap=120)
    member = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, member, activity["id"])
    for offset in (4, 2, 1, 0):
        assert (await _read(gql, member, activity["id"], offset, 30))["errors"] == []
    replaced = await _read(gql, member, activity["id"], 0, 90, "红岩")
    assert replaced["record"] == {"date": day(0), "minutes": 90, "title": "红岩"}
    mine = (await gql(MINE, {"id": activity["id"]}, token=member.token)).data["activity"]
    assert mine["dailyMinuteCap"] == 120
    assert mine["myStreak"] == 3  # today, yesterday, the day before; day 3 is missing
    assert [r["minutes"] for r in mine["myReadings"]] == [90, 30, 30, 30]
    assert mine["myRank"] == {"rank": 1, "score": 180.0}
    enrollment = await Enrollment.get(member_id=member.member.id)
    assert (enrollment.total_counted, enrollment.step_days) == (180, 4)


def test_streak_rule():
    today = date(2026, 12, 5)
    days = [today - timedelta(days=n) for n in (1, 2, 3, 5)]
    assert streak(days, today) == 3  # today not read yet: the streak still stands
    assert streak([*days, today], today) == 4
    assert streak([today - timedelta(days=2)], today) == 0


async def test_bad_readings_change_nothing(gql, factory):
    tree, activity = await _reading(gql, factory)
    member = await factory.account(tree.grassroots["A"][0])
    assert (await _read(gql, member, activity["id"], 0, 30))["errors"][0]["code"] == "NOT_ENROLLED"
    await enroll(gql, member, activity["id"])
    cases = [((0, 241), "MINUTES_OVER_CAP", "minutes"), ((0, 0), "MINUTES_INVALID", "minutes"),
             ((-1, 30), "DATE_IN_FUTURE", "date"), ((40, 30), "DATE_OUTSIDE_WINDOW", "date")]
    for (offset, minutes), code, field in cases:
        result = await _read(gql, member, activity["id"], offset, minutes)
        assert result["errors"] == [{"code": code, "field": field}], (offset, minutes)
    blank = await _read(gql, member, activity["id"], 0, 30, "  ")
    assert blank["errors"] == [{"code": "TITLE_REQUIRED", "field": "title"}]
    assert await ReadingRecord.all().count() == 0
    cadre = await factory.cadre(tree.counties["A"])
    bad_cap = await gql(CREATE, {"input": {"name": "读书月", "kind": "READING", "dailyMinuteCap": 0,
                                           "organizerId": str(tree.counties["A"].id), **window()}},
                        token=cadre.token)
    assert bad_cap.data["createActivity"]["errors"][0]["code"] == "MINUTE_CAP_INVALID"


async def test_concurrent_resubmissions_keep_totals_true(gql, factory):
    tree, activity = await _reading(gql, factory)
    members = [await factory.account(tree.grassroots["A"][i % 2]) for i in range(4)]
    for m in members:
        await enroll(gql, m, activity["id"])
    await asyncio.gather(*(_read(gql, m, activity["id"], 0, minutes)
                           for m in members for minutes in (10, 20, 30, 40)))
    for m in members:
        row = await ReadingRecord.get(member_id=m.member.id, day=today_shanghai())
        enrollment = await Enrollment.get(member_id=m.member.id)
        assert enrollment.total_counted == row.minutes and enrollment.step_days == 1
    board = (await gql(BOARD, {"id": activity["id"], "by": "MEMBER"},
                       token=members[0].token)).data["leaderboard"]
    totals = {e["member"]["id"]: e["score"] for e in board}
    for m in members:
        assert totals[m.id] == (await Enrollment.get(member_id=m.member.id)).total_counted
    unions = (await gql(BOARD, {"id": activity["id"], "by": "UNION"},
                        token=members[0].token)).data["leaderboard"]
    assert {e["union"]["id"] for e in unions} == {str(tree.grassroots["A"][0].id),
                                                  str(tree.grassroots["A"][1].id)}


async def test_union_board_rebuilt_from_the_database_scores_by_minutes(gql, factory):
    """A reading activity's union score is on its minute cap whether it comes from a
    submission's write or from a rebuild after Redis lost the boards."""
    tree, activity = await _reading(gql, factory, dailyMinuteCap=60)
    keen = await factory.account(tree.grassroots["A"][0])
    readers = [await factory.account(tree.grassroots["A"][1]) for _ in range(3)]
    for m in (keen, *readers):
        await enroll(gql, m, activity["id"])
    for offset in range(10):  # 600 of the 60 × 31 minutes the window allows
        assert (await _read(gql, keen, activity["id"], offset, 60))["errors"] == []
    for m in readers:  # every member of their union reads, a little
        assert (await _read(gql, m, activity["id"], 0, 5))["errors"] == []

    async def union_board():
        result = await gql(BOARD, {"id": activity["id"], "by": "UNION"}, token=keen.token)
        return [(e["rank"], e["union"]["id"], e["score"]) for e in result.data["leaderboard"]]

    live = await union_board()
    # keen's union: 70 × 600 / (60 × 31) + 30 × 1/2; the readers': 70 × 5 / 1860 + 30.
    assert [(rank, union) for rank, union, _ in live] == [
        (1, str(tree.grassroots["A"][0].id)), (2, str(tree.grassroots["A"][1].id))]
    await cache.get_redis().flushdb()
    assert await union_board() == live


async def test_a_reading_never_lands_on_an_account_closed_meanwhile(gql, factory):
    """recordReading read the member's record, then wrote the title they typed: a closure that
    committed in between (after erasing the titles there were) left this one on a closed
    account."""
    if not db.is_postgres():
        pytest.skip("holds a row lock from a second PostgreSQL connection")
    tree, activity = await _reading(gql, factory)
    member = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, member, activity["id"])
    read = await while_closing(member.member.id, gql(READ, {
        "id": activity["id"], "d": day(0), "m": 30, "t": "癌症康复指南"}, token=member.token))
    assert [e["extensions"]["code"] for e in read.errors] == ["UNAUTHENTICATED"], read.body
    assert not await ReadingRecord.filter(member_id=member.member.id).exists()


EXPORT = "{ myPersonalData }"
CLOSE = """mutation C($input: CloseAccountInput!) { closeAccount(input: $input) {
  closed errors { code field } } }"""


async def test_the_personal_data_export_holds_the_reading_log(gql, factory):
    # The export listed enrolments, steps and quiz attempts, but not the reading records
    # (added later): a member asking for everything held did not get what they had written.
    tree, activity = await _reading(gql, factory)
    member = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, member, activity["id"])
    assert (await _read(gql, member, activity["id"], 1, 45, "围城"))["errors"] == []
    r = await gql(EXPORT, token=member.token)
    assert r.errors == []
    records = r.data["myPersonalData"]["activities"]["reading_records"]
    assert [(x["activity_id"], x["day"], x["minutes"], x["title"]) for x in records] == [
        (int(activity["id"]), day(1), 45, "围城")]


async def test_closure_erases_the_titles_and_keeps_the_minutes(gql, factory):
    from unionhub.identity.seed import DEMO_PASSWORD

    tree, activity = await _reading(gql, factory)
    member = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, member, activity["id"])
    assert (await _read(gql, member, activity["id"], 1, 45, "抑郁症自助手册"))["errors"] == []
    r = await gql(CLOSE, {"input": {"password": DEMO_PASSWORD}}, token=member.token)
    assert r.data["closeAccount"] == {"closed": True, "errors": []}
    [row] = await ReadingRecord.filter(member_id=member.member.id)
    assert (row.title, row.minutes) == ("", 45)  # the boards keep counting the minutes
    assert (await Enrollment.get(member_id=member.member.id)).total_counted == 45
