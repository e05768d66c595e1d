"""Time: timezone-aware UTC inside, Asia/Shanghai at the edges."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today_shanghai(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(SHANGHAI).date()


def add_working_days(start: datetime, days: int) -> datetime:
    """`days` working days after `start`, at the same Shanghai wall-clock time: weekends,
    public holidays and make-up working days from the shared calendar (unionhub.workcalendar)."""
    from unionhub import workcalendar  # imported late: it builds on this module

    return workcalendar.add_working_days(start, days)
