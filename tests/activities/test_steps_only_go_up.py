"""A day's steps only go up, as a phone's step counter for that day does. A member could lower
a recorded day and raise it again, as often as they liked until records closed, moving their
own and their union's places (and whoever sat next to them) at will. Fewer steps than recorded
are now refused with STEPS_BELOW_RECORDED and change nothing; the same count changes nothing;
more replace the record. Under concurrency the highest count stands whatever the order."""

from __future__ import annotations

import asyncio

from tests.activities.helpers import BOARD, STEPS, create, day, enroll
from unionhub.activities.models import Enrollment, StepRecord, UnionTally


async def _submit(gql, account, activity_id, offset, steps):
    result = await gql(STEPS, {"id": activity_id, "date": day(offset), "steps": steps},
                       token=account.token)
    assert result.errors == [], result.errors
    return result.data["submitSteps"]


async def _state(activity_id: int, member_id: int):
    enrolment = await Enrollment.get(activity_id=activity_id, member_id=member_id)
    tally = await UnionTally.get(activity_id=activity_id, union_id=enrolment.union_id)
    records = sorted((r.day.isoformat(), r.steps, r.counted)
                     for r in await StepRecord.filter(activity_id=activity_id, member_id=member_id))
    return records, enrolment.total_counted, enrolment.step_days, tally.counted_sum


async def test_a_recorded_day_cannot_be_lowered(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    walk = await create(gql, cadre, tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    rival = await factory.account(tree.grassroots["A"][1])
    for account in (member, rival):
        await enroll(gql, account, walk["id"])
    await _submit(gql, rival, walk["id"], 1, 9000)
    assert (await _submit(gql, member, walk["id"], 1, 10000))["errors"] == []
    activity_id = int(walk["id"])
    before = await _state(activity_id, member.member.id)

    lowered = await _submit(gql, member, walk["id"], 1, 4000)
    assert lowered["record"] is None
    assert lowered["errors"] == [{"code": "STEPS_BELOW_RECORDED", "field": "steps"}]
    assert await _state(activity_id, member.member.id) == before
    board = (await gql(BOARD, {"id": walk["id"], "by": "MEMBER"}, token=member.token)).data
    assert [(e["member"]["id"], e["score"]) for e in board["leaderboard"]] == [
        (str(member.member.id), 10000), (str(rival.member.id), 9000)]

    same = await _submit(gql, member, walk["id"], 1, 10000)
    assert same["errors"] == [] and same["record"]["steps"] == 10000
    assert await _state(activity_id, member.member.id) == before

    raised = await _submit(gql, member, walk["id"], 1, 15000)  # over the cap: counts 12,000
    assert raised["record"] == {"date": day(1), "steps": 15000, "countedSteps": 12000}
    # Below the raw count recorded, though above the cap: the phone said 15,000.
    assert (await _submit(gql, member, walk["id"], 1, 13000))["errors"][0]["code"] == \
        "STEPS_BELOW_RECORDED"
    records, total, days, union_sum = await _state(activity_id, member.member.id)
    assert (records, total, days, union_sum) == ([(day(1), 15000, 12000)], 12000, 1, 12000)


async def test_concurrent_lowering_and_raising_keep_the_highest_count(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    walk = await create(gql, cadre, tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, member, walk["id"])
    activity_id = int(walk["id"])
    highest = 0
    for round_ in range(6):  # two phones syncing the same day at once, a higher count first
        values = [3000 + 1000 * round_ + 500 * (i % 3) for i in range(6)]
        values += [v - 2500 for v in values]  # a stale or edited lower count beside each
        results = await asyncio.gather(*(_submit(gql, member, walk["id"], 1, v) for v in values))
        highest = max(highest, *values)
        for value, result in zip(values, results, strict=True):
            assert result["errors"] in ([], [{"code": "STEPS_BELOW_RECORDED", "field": "steps"}])
            if value == highest:
                assert result["errors"] == [], result
        records, total, days, union_sum = await _state(activity_id, member.member.id)
        assert records == [(day(1), highest, highest)], round_
        assert (total, days, union_sum) == (highest, 1, highest), round_
    board = (await gql(BOARD, {"id": walk["id"], "by": "MEMBER"}, token=member.token)).data
    assert board["leaderboard"][0]["score"] == highest
