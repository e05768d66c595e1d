"""Reading activities (网上读书): a member records what they read each day.

One record per member per day, replaced on resubmission; minutes up to the activity's daily cap
(more is refused, not trimmed: a reading log is the member's own statement). Totals, union
tallies and leaderboards by minutes work as a walking challenge's (steps.add_to_totals), and a
streak is the run of consecutive days with a record ending today or yesterday.
"""

from __future__ import annotations

from datetime import date, timedelta

from tortoise.transactions import in_transaction

from unionhub.activities.activities import get_visible
from unionhub.activities.enrolment import check_admitted, require_enrollment
from unionhub.activities.models import ActivityKind, Enrollment, ReadingRecord
from unionhub.activities.steps import add_to_totals, check_day
from unionhub.clock import today_shanghai
from unionhub.errors import NotAuthenticated, ValidationFailed
from unionhub.identity.access import Principal
from unionhub.identity.lookup import MemberRecord
from unionhub.identity.roster import hold_open_account
from unionhub.plaintext import check_plain

TITLE_MAX = 100


async def record_reading(activity_id: int, principal: Principal, record: MemberRecord, day: date,
                         minutes: int, title: str) -> ReadingRecord:
    activity = await get_visible(activity_id, principal, record)
    if activity.kind != ActivityKind.READING:
        raise ValidationFailed("reading goes to a reading activity", field="activityId",
                               code="NOT_A_READING_ACTIVITY")
    check_admitted(activity, record)
    if minutes < 1:
        raise ValidationFailed("minutes must be at least 1", field="minutes",
                               code="MINUTES_INVALID")
    if minutes > activity.daily_minute_cap:
        raise ValidationFailed(f"at most {activity.daily_minute_cap} minutes a day count here",
                               field="minutes", code="MINUTES_OVER_CAP")
    title = title.strip()
    if not 1 <= len(title) <= TITLE_MAX:
        raise ValidationFailed(f"the title is 1 to {TITLE_MAX} characters", field="title",
                               code="TITLE_REQUIRED")
    check_plain(title, "title")
    check_day(activity, day)
    enrollment = await require_enrollment(activity, record.id)
    async with in_transaction():
        # The member's row, open, held until the commit: the title is their words, which a
        # closure erases; one committed since the record was read is seen here.
        if not await hold_open_account(record.id):
            raise NotAuthenticated("sign in again")
        # Every submission of one member to one activity serializes on the enrolment row, so
        # a replacement's difference is computed from the record it really replaces.
        enrollment = await Enrollment.filter(id=enrollment.id).select_for_update().get()
        row = await ReadingRecord.get_or_none(activity_id=activity.id, member_id=record.id,
                                              day=day)
        if row is not None:
            delta, new_day = minutes - row.minutes, False
            row.minutes, row.title = minutes, title
            await row.save(update_fields=["minutes", "title", "submitted_at"])
        else:
            delta, new_day = minutes, True
            row = await ReadingRecord.create(activity_id=activity.id, member_id=record.id,
                                             union_id=enrollment.union_id, day=day,
                                             minutes=minutes, title=title)
        await add_to_totals(activity, enrollment, record.id, delta, new_day)
    return row


async def member_readings(activity_id: int, member_id: int, limit: int = 62) -> list[ReadingRecord]:
    return await ReadingRecord.filter(activity_id=activity_id, member_id=member_id) \
        .order_by("-day").limit(limit)


def streak(days: list[date], today: date | None = None) -> int:
    """Consecutive days with a record, ending today or yesterday (a streak is not broken
    before the day is over)."""
    today = today or today_shanghai()
    have = set(days)
    current = today if today in have else today - timedelta(days=1)
    run = 0
    while current in have:
        run += 1
        current -= timedelta(days=1)
    return run


async def member_streak(activity_id: int, member_id: int) -> int:
    days: list[date] = await ReadingRecord.filter(  # type: ignore[assignment]  # Tortoise: flat values_list typed as tuples
        activity_id=activity_id, member_id=member_id) \
        .order_by("-day").limit(400).values_list("day", flat=True)
    return streak(list(days))
