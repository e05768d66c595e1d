"""Walking challenge step records: one per member per day, capped; and the running totals
every daily-count activity (walking, reading) keeps.

A day's steps only go up, as the phone's step counter for that day does: a resubmission with
more steps replaces the record, the same count changes nothing, and fewer are refused
(STEPS_BELOW_RECORDED). Lowering a recorded day, then raising it again, until records close
moved members' and unions' places at will.

All of one member's submissions to one activity serialize on their enrolment row (SELECT ...
FOR UPDATE), so the difference a resubmission makes to the running totals is computed from
the record it really replaces; the unique (activity, member, day) key is the backstop.

Records for an activity's days are taken until the end of the Shanghai day after its last
day (`closes_at`: a day to catch up on the last one), then refused (SUBMISSIONS_CLOSED), so
the final boards stop changing.

The check reads this process's clock when the request arrives, like a postmark: a submission
that passes it in the last milliseconds commits a transaction's length after midnight. That is
kept on purpose. A condition on the database's clock would not close the gap (PostgreSQL's
now() is the transaction's start, and any condition is evaluated before the commit), and would
let the refusal disagree with `Activity.recordsCloseAt`, which this function computes. Such a
late commit is a record for a day of the window, pushed to Redis like any other, and the boards
stay exact: a rebuild running beside it re-applies it (`leaderboards.finish`), and the
reconcile job rebuilds for a day after `closes_at` (activities/jobs.py).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from unionhub.activities import leaderboards
from unionhub.activities.activities import get_visible
from unionhub.activities.enrolment import check_admitted, require_enrollment
from unionhub.activities.models import (
    STEP_RAW_MAX,
    Activity,
    ActivityKind,
    Enrollment,
    StepRecord,
    UnionTally,
)
from unionhub.clock import SHANGHAI, today_shanghai, utcnow
from unionhub.errors import InvalidTransition, ValidationFailed
from unionhub.identity.access import Principal
from unionhub.identity.lookup import MemberRecord
from unionhub.identity.roster import member_counts


async def submit_steps(activity_id: int, principal: Principal, record: MemberRecord, day: date,
                       steps: int) -> StepRecord:
    activity = await get_visible(activity_id, principal, record)
    if activity.kind != ActivityKind.WALKING:
        raise ValidationFailed("steps go to a walking challenge", field="activityId",
                               code="NOT_A_WALKING_CHALLENGE")
    check_admitted(activity, record)
    if steps < 0:
        raise ValidationFailed("steps cannot be negative", field="steps", code="STEPS_INVALID")
    if steps > STEP_RAW_MAX:
        raise ValidationFailed(f"more than {STEP_RAW_MAX} steps in a day is not plausible",
                               field="steps", code="STEPS_IMPLAUSIBLE")
    check_day(activity, day)
    enrollment = await require_enrollment(activity, record.id)
    counted = min(steps, activity.daily_step_cap)
    async with in_transaction():
        enrollment = await Enrollment.filter(id=enrollment.id).select_for_update().get()
        step = await StepRecord.get_or_none(activity_id=activity.id, member_id=record.id, day=day)
        if step is not None:
            if steps < step.steps:  # read under the lock: the record this one would replace
                raise ValidationFailed("more steps are recorded for that day: a day's steps "
                                       "only go up", field="steps", code="STEPS_BELOW_RECORDED")
            if steps == step.steps:
                return step  # the same count again (a sync repeated): nothing changes
            delta, new_day = counted - step.counted, False
            step.steps, step.counted = steps, counted
            await step.save(update_fields=["steps", "counted", "submitted_at"])
        else:
            delta, new_day = counted, True
            step = await StepRecord.create(activity_id=activity.id, member_id=record.id,
                                           union_id=enrollment.union_id, day=day, steps=steps,
                                           counted=counted)
        await add_to_totals(activity, enrollment, record.id, delta, new_day)
    return step


def closes_at(activity: Activity) -> datetime:
    """When records stop being taken: midnight (Shanghai) ending the day after the last day."""
    _, last = leaderboards.window_dates(activity)
    return datetime.combine(last + timedelta(days=2), time(0), tzinfo=SHANGHAI)


def check_day(activity: Activity, day: date, now: datetime | None = None) -> None:
    now = now or utcnow()
    if now >= closes_at(activity):
        raise InvalidTransition("the activity has ended and its results are final",
                                field="activityId", code="SUBMISSIONS_CLOSED")
    if day > today_shanghai(now):
        raise ValidationFailed("that day has not come yet", field="date", code="DATE_IN_FUTURE")
    first, last = leaderboards.window_dates(activity)
    if not first <= day <= last:
        raise ValidationFailed("that day is outside the activity", field="date",
                               code="DATE_OUTSIDE_WINDOW")


async def add_to_totals(activity: Activity, enrollment: Enrollment, member_id: int, delta: int,
                        new_day: bool) -> None:
    """A day's counted figure (steps, minutes) changed by `delta`: the member's and the union's
    running totals, then the boards. Call inside the transaction holding the enrolment's row
    lock, so Redis sees this member's and this union's writes in commit order."""
    first_day = new_day and enrollment.step_days == 0
    await Enrollment.filter(id=enrollment.id).update(
        total_counted=F("total_counted") + delta, step_days=F("step_days") + int(new_day)
    )
    if first_day:  # the union's tally exists once any of its members has taken part
        await UnionTally.bulk_create(
            [UnionTally(activity_id=activity.id, union_id=enrollment.union_id)],
            ignore_conflicts=True,
        )
    tally_q = UnionTally.filter(activity_id=activity.id, union_id=enrollment.union_id)
    await tally_q.update(counted_sum=F("counted_sum") + delta,
                         participants=F("participants") + int(first_day))
    tally = await tally_q.get()  # our own write, its row locked until commit
    members = (await member_counts([enrollment.union_id])).get(enrollment.union_id, 0)
    # The cap of the activity's kind, as a rebuild from the database computes it.
    score = leaderboards.union_score(tally.counted_sum, tally.participants, members,
                                     leaderboards.daily_cap(activity),
                                     leaderboards.window_days(activity))
    await leaderboards.push(activity.id, member_id, enrollment.total_counted + delta,
                            enrollment.union_id, score)


async def member_steps(activity_id: int, member_id: int, limit: int = 62) -> list[StepRecord]:
    return await StepRecord.filter(activity_id=activity_id, member_id=member_id) \
        .order_by("-day").limit(limit)
