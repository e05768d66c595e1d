"""Time limits (办结时限): working hours or working days on mainland China's calendar.

A deadline that reaches into a year whose State Council holiday notice the installed
`holidays` package does not carry yet is an estimate (statutory holidays, no make-up days:
workcalendar). It is stored flagged (`deadline_provisional`) and settled under the notice
once the package carries it (`settle_provisional`, run by the escalation job before it looks
for overdue requests), so nothing escalates, or counts as late, on an estimate the notice has
replaced.
"""

from __future__ import annotations

import logging
from datetime import datetime

from unionhub import workcalendar
from unionhub.clock import SHANGHAI
from unionhub.services.models import ServiceRequest, TimeLimitUnit

log = logging.getLogger(__name__)


def deadline_for(submitted_at: datetime, time_limit: int, unit: TimeLimitUnit) -> datetime:
    """When a request submitted at `submitted_at` must be finished (UTC)."""
    if unit == TimeLimitUnit.WORKING_HOURS:
        return workcalendar.add_working_hours(submitted_at, time_limit)
    return workcalendar.add_working_days(submitted_at, time_limit)


def is_provisional(deadline: datetime) -> bool:
    """Computed into a year without a notice: an estimate."""
    return not workcalendar.is_announced(deadline.astimezone(SHANGHAI).year)


def limit_in_hours(time_limit: int, unit: TimeLimitUnit) -> int:
    """The limit as working hours (a working day is 8 office hours)."""
    if unit == TimeLimitUnit.WORKING_HOURS:
        return time_limit
    return time_limit * workcalendar.HOURS_PER_DAY


async def settle_provisional() -> int:
    """Flag the estimates not yet flagged (written by a release before services migration
    0007), then recompute every flagged deadline whose year now has its notice, from the
    submission and the item's limit (items never change). Each row is updated only if its
    deadline is still the one read, so two workers at once settle it once. Returns how many
    deadlines were settled. A request escalated on an estimate stays escalated."""
    from unionhub.services.items import items_by_ids

    boundary = workcalendar.start_of_unannounced()
    await ServiceRequest.filter(deadline_provisional=False, deadline__gte=boundary).update(
        deadline_provisional=True)
    rows = await ServiceRequest.filter(deadline_provisional=True, deadline__lt=boundary) \
        .values("id", "item_id", "submitted_at", "deadline")
    items = await items_by_ids(list({row["item_id"] for row in rows}))
    settled = 0
    for row in rows:
        item = items[row["item_id"]]
        deadline = deadline_for(row["submitted_at"], item.time_limit, item.time_limit_unit)
        settled += await ServiceRequest.filter(
            id=row["id"], deadline_provisional=True, deadline=row["deadline"],
        ).update(deadline=deadline, deadline_provisional=is_provisional(deadline))
    if settled:
        log.info("settled %d provisional service request deadlines", settled)
    return settled
