"""Time: timezone-aware UTC inside, Asia/Shanghai at the edges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today_shanghai(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(SHANGHAI).date()


def add_working_days(start: datetime, days: int) -> datetime:
    """`days` working days after `start` (Mondays to Fridays, in Shanghai's calendar).

    Public holidays and their make-up working days are not known here yet: the services
    domain's holiday calendar is the place for them (see docs/architecture.md)."""
    local = start.astimezone(SHANGHAI)
    added = 0
    while added < days:
        local += timedelta(days=1)
        if local.weekday() < 5:
            added += 1
    return local.astimezone(UTC)
