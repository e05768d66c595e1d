"""Steps and minutes read are taken for an activity's days until the end of the Shanghai day
after its last day, then refused with SUBMISSIONS_CLOSED and nothing changed, so the final
boards stop changing; the periodic rebuild still covers the day after records close."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from tests.activities.helpers import BOARD, READ, STEPS, create, day, enroll
from unionhub.activities.jobs import reconcile_leaderboards
from unionhub.activities.models import Activity, ActivityKind, Enrollment, StepRecord
from unionhub.activities.steps import check_day, closes_at
from unionhub.clock import SHANGHAI, today_shanghai
from unionhub.errors import InvalidTransition


def _midnight(d: date) -> datetime:
    """The instant a Shanghai day starts."""
    return datetime.combine(d, time(0), tzinfo=SHANGHAI)


@pytest.mark.parametrize(("ends", "last"), [
    # Ending at midnight, the last day is the one before; ending within a day, that day.
    (datetime(2026, 12, 10, 0, 0, tzinfo=SHANGHAI), date(2026, 12, 9)),
    (datetime(2026, 12, 10, 18, 30, tzinfo=SHANGHAI), date(2026, 12, 10)),
])
def test_records_close_at_the_end_of_the_day_after_the_last_day(ends, last):
    walk = Activity(kind=ActivityKind.WALKING, starts_at=ends - timedelta(days=9), ends_at=ends)
    close = _midnight(last + timedelta(days=2))
    assert closes_at(walk) == close
    check_day(walk, last, close - timedelta(microseconds=1))  # the grace day's last instant
    check_day(walk, last, (close - timedelta(microseconds=1)).astimezone(UTC))
    for now in (close, close + timedelta(days=30)):
        with pytest.raises(InvalidTransition) as refused:
            check_day(walk, last, now)
        assert refused.value.code == "SUBMISSIONS_CLOSED"


async def _ended(activity_id: str, days_ago: int) -> None:
    """The activity's last day becomes `days_ago` days before today (Shanghai)."""
    await Activity.filter(id=int(activity_id)).update(
        ends_at=_midnight(today_shanghai() - timedelta(days=days_ago - 1)))


async def test_steps_count_on_the_day_after_the_end_and_not_after(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    walk = await create(gql, cadre, tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, member, walk["id"])

    async def steps(offset, count):
        result = await gql(STEPS, {"id": walk["id"], "date": day(offset), "steps": count},
                           token=member.token)
        return result.data["submitSteps"]

    assert (await steps(2, 4000))["errors"] == []
    await _ended(walk["id"], 1)  # ended at midnight: today is the grace day
    assert (await steps(1, 6000))["errors"] == []  # the last day, caught up
    assert (await steps(2, 5000))["errors"] == []  # a day of the window, corrected
    assert (await steps(0, 5000))["errors"][0]["code"] == "DATE_OUTSIDE_WINDOW"
    board = {"id": walk["id"], "by": "MEMBER"}
    final = (await gql(BOARD, board, token=member.token)).data["leaderboard"]
    assert final[0]["score"] == 11000

    await _ended(walk["id"], 2)  # the grace day was yesterday: closed
    for offset in (1, 2, 3):
        refused = await steps(offset, 9000)
        assert refused == {"record": None, "errors": [{"code": "SUBMISSIONS_CLOSED",
                                                       "field": "activityId"}]}
    assert await StepRecord.filter(member_id=member.member.id).order_by("day").values_list(
        "day", "steps") == [(date.fromisoformat(day(2)), 5000), (date.fromisoformat(day(1)), 6000)]
    assert (await Enrollment.get(activity_id=int(walk["id"]))).total_counted == 11000
    assert (await gql(BOARD, board, token=member.token)).data["leaderboard"] == final


async def test_minutes_read_close_alike(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    reading = await create(gql, cadre, tree.counties["A"], "READING")
    member = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, member, reading["id"])

    async def read(offset, minutes):
        result = await gql(READ, {"id": reading["id"], "d": day(offset), "m": minutes,
                                  "t": "平凡的世界"}, token=member.token)
        return result.data["recordReading"]

    await _ended(reading["id"], 1)
    assert (await read(1, 30))["errors"] == []
    await _ended(reading["id"], 2)
    assert (await read(2, 45))["errors"] == [{"code": "SUBMISSIONS_CLOSED",
                                              "field": "activityId"}]
    assert (await Enrollment.get(activity_id=int(reading["id"]))).total_counted == 30


async def test_boards_are_rebuilt_until_a_day_after_records_close(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    closed_today = await create(gql, cadre, tree.counties["A"])
    long_closed = await create(gql, cadre, tree.counties["A"], "READING")
    await _ended(closed_today["id"], 2)  # ended yesterday at midnight, closed today at midnight
    await _ended(long_closed["id"], 4)  # closed two days ago
    assert await reconcile_leaderboards() == 1  # (before: 0, it ended over a day ago)


CLOSES = """query Closes($id: ID!) { activity(id: $id) { kind endsAt recordsCloseAt } }"""


async def test_records_close_at_says_when_the_refusal_starts(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    walk = await create(gql, cadre, tree.counties["A"])
    event = await create(gql, cadre, tree.counties["A"], "EVENT")
    member = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, member, walk["id"])

    async def shown(activity_id: str) -> dict:
        return (await gql(CLOSES, {"id": activity_id}, token=member.token)).data["activity"]

    # Ending within a day (18:30 Shanghai, UTC in the database): closed from 24:00 the next day.
    ends = datetime.combine(today_shanghai(), time(18, 30), tzinfo=SHANGHAI)
    await Activity.filter(id=int(walk["id"])).update(ends_at=ends.astimezone(UTC))
    assert datetime.fromisoformat((await shown(walk["id"]))["recordsCloseAt"]) \
        == _midnight(today_shanghai() + timedelta(days=2))
    assert (await shown(walk["id"]))["recordsCloseAt"].endswith("+00:00")  # a UTC instant
    assert (await shown(event["id"]))["recordsCloseAt"] is None

    # Either side of the boundary, the field and the refusal agree.
    for days_ago, taken in ((1, True), (2, False)):
        await _ended(walk["id"], days_ago)
        close = datetime.fromisoformat((await shown(walk["id"]))["recordsCloseAt"])
        assert close == _midnight(today_shanghai() + timedelta(days=2 - days_ago))
        result = await gql(STEPS, {"id": walk["id"], "date": day(1), "steps": 3000},
                           token=member.token)
        errors = result.data["submitSteps"]["errors"]
        assert (errors == []) is taken and (datetime.now(UTC) < close) is taken, errors
        assert taken or errors == [{"code": "SUBMISSIONS_CLOSED", "field": "activityId"}]
