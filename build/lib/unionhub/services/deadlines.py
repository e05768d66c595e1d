"""Time limits (办结时限): working hours or working days on mainland China's calendar."""

from __future__ import annotations

from datetime import datetime

from unionhub import workcalendar
from unionhub.services.models import TimeLimitUnit


def deadline_for(submitted_at: datetime, time_limit: int, unit: TimeLimitUnit) -> datetime:
    """When a request submitted at `submitted_at` must be finished (UTC)."""
    if unit == TimeLimitUnit.WORKING_HOURS:
        return workcalendar.add_working_hours(submitted_at, time_limit)
    return workcalendar.add_working_days(submitted_at, time_limit)


def limit_in_hours(time_limit: int, unit: TimeLimitUnit) -> int:
    """The limit as working hours (a working day is 8 office hours)."""
    if unit == TimeLimitUnit.WORKING_HOURS:
        return time_limit
    return time_limit * workcalendar.HOURS_PER_DAY
