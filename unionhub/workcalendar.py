"""Mainland China's working calendar: weekends, public holidays and make-up working days (调休).

Backed by the `holidays` package (holidays.China), which follows the State Council's yearly
notice, including the weekend days that become working days. The notice for a year appears
around November of the year before; for a year the library has no notice for, it still knows
the statutory holidays (computed by rule, lunar dates included) but no make-up days. We use
that estimate rather than failing, log it once per year, and expose `is_announced(year)` so
callers can show that a deadline is provisional. Upgrading `holidays` brings new notices.
"""

from __future__ import annotations

import functools
import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from unionhub.clock import SHANGHAI

if TYPE_CHECKING:
    import holidays

log = logging.getLogger(__name__)

# Office hours for limits counted in working hours (Asia/Shanghai).
DAY_START = time(9, 0)
DAY_END = time(17, 0)
HOURS_PER_DAY = 8
_MAX_SCAN_DAYS = 3660  # a guard against a runaway loop on absurd input


@functools.cache
def last_announced_year() -> int:
    """The newest year whose State Council holiday notice the installed library carries."""
    # Imported on first use: the holidays package takes a few hundred ms to import.
    from holidays.countries.china import ChinaStaticHolidays

    return max(ChinaStaticHolidays.special_public_holidays)


def is_announced(year: int) -> bool:
    return year <= last_announced_year()


def forget_notices() -> None:
    """Drop what this process read from the holidays package (after its data changed: tests)."""
    last_announced_year.cache_clear()
    _calendar.cache_clear()


def start_of_unannounced() -> datetime:
    """The first instant (UTC) of the first year without a notice: a deadline from then on is
    an estimate."""
    return datetime(last_announced_year() + 1, 1, 1, tzinfo=SHANGHAI).astimezone(UTC)


@functools.cache
def _calendar(year: int) -> holidays.HolidayBase:
    if not is_announced(year):
        log.warning("no holiday notice for %s in the installed holidays package: statutory "
                    "holidays only, no make-up working days (upgrade holidays)", year)
    from holidays.countries.china import China

    return China(years=year)


def is_working_day(day: date) -> bool:
    return _calendar(day.year).is_working_day(day)


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    for _ in range(_MAX_SCAN_DAYS):
        day += timedelta(days=1)
        if is_working_day(day):
            return day
    raise ValueError("no working day found")


def add_working_days(start: datetime, days: int) -> datetime:
    """The same Shanghai wall-clock time `days` working days after `start` (the start day
    itself is not counted, as for 期间: a request made on Friday with 1 working day is due
    on Monday at the same time, or on the next working day after a holiday).

    A start on a day off (weekend, holiday) counts as made at 00:00 of the next working day.
    Kept at its own wall-clock time it was due before the office opened (Sunday 08:00 + 1 on
    Monday 08:00), and earlier than a request made the minute before the day off began
    (23:59 on the eve of a holiday + 1: 23:59 on the first working day after it)."""
    if days < 0:
        raise ValueError("days must not be negative")
    local = start.astimezone(SHANGHAI)
    day, wall = local.date(), local.time()
    if not is_working_day(day):
        day, wall = next_working_day(day), time(0, 0)
    for _ in range(days):
        day = next_working_day(day)
    return datetime.combine(day, wall, SHANGHAI).astimezone(UTC)


def add_working_hours(start: datetime, hours: int) -> datetime:
    """`hours` office hours (09:00–17:00 Shanghai on working days) after `start`. A start
    outside office hours counts from the next opening."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    local = start.astimezone(SHANGHAI)
    day, now = local.date(), local.time().replace(tzinfo=None)
    if not is_working_day(day) or now >= DAY_END:
        day, now = next_working_day(day), DAY_START
    elif now < DAY_START:
        now = DAY_START
    remaining = timedelta(hours=hours)
    while True:
        cursor = datetime.combine(day, now)
        left_today = datetime.combine(day, DAY_END) - cursor
        if remaining <= left_today:
            end = datetime.combine(day, now, SHANGHAI) + remaining
            return end.astimezone(UTC)
        remaining -= left_today
        day, now = next_working_day(day), DAY_START
