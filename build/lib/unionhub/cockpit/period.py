"""The cockpit's period: one month ("2026-11") or a range of whole months ("2026-01..2026-06",
both ends included, at most 12), in Shanghai time like the scorecards and the mall report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from unionhub.clock import SHANGHAI
from unionhub.errors import ValidationFailed
from unionhub.services.scorecards import period_bounds

MAX_MONTHS = 12  # the mall report covers at most 366 days


@dataclass(frozen=True, slots=True)
class Period:
    label: str  # normalised: "2026-11" or "2026-01..2026-06"
    first_month: str
    last_month: str
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive

    @property
    def first_day(self) -> date:
        return self.start.astimezone(SHANGHAI).date()

    @property
    def last_day(self) -> date:
        """The last Shanghai day in the period (the mall report's `to`, inclusive)."""
        return self.end.astimezone(SHANGHAI).date() - timedelta(days=1)

    @property
    def months(self) -> list[str]:
        return months_between(self.first_month, self.last_month)

    @property
    def is_month(self) -> bool:
        return self.first_month == self.last_month


def _bad() -> ValidationFailed:
    return ValidationFailed("period is a month like 2026-11 or a range like 2026-01..2026-06 "
                            "of at most 12 months", field="period", code="BAD_PERIOD")


def _month_index(month: str) -> int:
    year, number = month.split("-")
    return int(year) * 12 + int(number) - 1


def _month_of(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    return [_month_of(i) for i in range(_month_index(first), _month_index(last) + 1)]


def parse_period(text: str) -> Period:
    first, sep, last = text.strip().partition("..")
    first, last = first.strip(), (last.strip() if sep else first.strip())
    try:
        start, _ = period_bounds(first)
        _, end = period_bounds(last)
    except ValidationFailed:
        raise _bad() from None
    count = _month_index(last) - _month_index(first) + 1
    if count < 1 or count > MAX_MONTHS:
        raise _bad()
    label = first if count == 1 else f"{first}..{last}"
    return Period(label, first, last, start.astimezone(UTC), end.astimezone(UTC))


def month_period(month: str) -> Period:
    return parse_period(month)


def trailing_months(period: Period, count: int) -> list[Period]:
    """The `count` months ending with the period's last month, oldest first."""
    last = _month_index(period.last_month)
    return [month_period(_month_of(i)) for i in range(last - count + 1, last + 1)]
