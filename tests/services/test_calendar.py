"""Time limits on mainland China's working calendar (weekends, public holidays, make-up days)."""

from __future__ import annotations

from datetime import date, timedelta

from tests.services.helpers import at
from unionhub import clock, workcalendar
from unionhub.clock import SHANGHAI
from unionhub.services.deadlines import deadline_for, limit_in_hours
from unionhub.services.models import TimeLimitUnit


def local(dt):
    return dt.astimezone(SHANGHAI).replace(tzinfo=None).isoformat(" ", "minutes")


def test_working_days_skip_the_weekend():
    # Friday 2026-11-20 10:00 + 3 working days: Mon, Tue, Wed.
    due = deadline_for(at("2026-11-20 10:00"), 3, TimeLimitUnit.WORKING_DAYS)
    assert local(due) == "2026-11-25 10:00"


def test_working_days_skip_national_day_and_count_its_make_up_saturday():
    # Wed 2026-09-30 + 3: Oct 1–7 are holidays, Thu 8 and Fri 9 count, and Saturday Oct 10
    # is a make-up working day (调休) in the State Council's 2026 notice.
    due = deadline_for(at("2026-09-30 10:00"), 3, TimeLimitUnit.WORKING_DAYS)
    assert local(due) == "2026-10-10 10:00"
    assert workcalendar.is_working_day(date(2026, 10, 10))  # a Saturday
    assert not workcalendar.is_working_day(date(2026, 10, 5))  # a Monday


def test_spring_festival_week():
    # Fri 2026-02-13 + 1: Sat 14 is a make-up working day; Feb 15–23 are off.
    assert local(deadline_for(at("2026-02-13 15:00"), 1, TimeLimitUnit.WORKING_DAYS)) \
        == "2026-02-14 15:00"
    assert local(deadline_for(at("2026-02-14 15:00"), 1, TimeLimitUnit.WORKING_DAYS)) \
        == "2026-02-24 15:00"


def test_a_request_made_on_a_day_off_gets_a_whole_working_day():
    # 23:59 on the eve of National Day is due at 23:59 on Oct 8, the first working day after
    # it: all of Oct 8's office hours. One minute later, at midnight on the holiday, the
    # request was due at 00:00 on Oct 8: before the office opened, a day earlier than the
    # request made before it. A request made on a day off counts as made at the start of
    # the next working day, so it is due at the end (24:00) of its Nth working day.
    eve = deadline_for(at("2026-09-30 23:59"), 1, TimeLimitUnit.WORKING_DAYS)
    holiday = deadline_for(at("2026-10-01 00:00"), 1, TimeLimitUnit.WORKING_DAYS)
    assert local(eve) == "2026-10-08 23:59"
    assert local(holiday) == "2026-10-09 00:00"  # the end of Oct 8: all its office hours
    # Sunday 08:00 was due on Monday 08:00, an hour before the office opens.
    assert local(deadline_for(at("2026-11-22 08:00"), 1, TimeLimitUnit.WORKING_DAYS)) \
        == "2026-11-24 00:00"
    # A later request is never due earlier, minute by minute into and out of a holiday
    # and a weekend.
    for first in ("2026-09-30 23:00", "2026-11-20 23:00", "2026-10-07 23:00"):
        times = [at(first) + timedelta(minutes=m) for m in range(0, 180, 7)]
        for days in (1, 3):
            dues = [deadline_for(t, days, TimeLimitUnit.WORKING_DAYS) for t in times]
            assert dues == sorted(dues), (first, days)


def test_working_hours_carry_over_weekends_and_office_hours():
    # Friday 16:00 + 2 office hours: one hour on Friday, one on Monday from 09:00.
    assert local(deadline_for(at("2026-11-20 16:00"), 2, TimeLimitUnit.WORKING_HOURS)) \
        == "2026-11-23 10:00"
    # Submitted on a Saturday night: the clock starts on Monday at 09:00.
    assert local(deadline_for(at("2026-11-21 22:00"), 8, TimeLimitUnit.WORKING_HOURS)) \
        == "2026-11-23 17:00"
    # Before opening on a working day: counts from 09:00.
    assert local(deadline_for(at("2026-11-24 07:30"), 4, TimeLimitUnit.WORKING_HOURS)) \
        == "2026-11-24 13:00"
    # The day before National Day, 17:00 is closing: 1 hour lands on Oct 8.
    assert local(deadline_for(at("2026-09-30 16:30"), 1, TimeLimitUnit.WORKING_HOURS)) \
        == "2026-10-08 09:30"
    assert limit_in_hours(3, TimeLimitUnit.WORKING_DAYS) == 24


def test_a_year_without_a_notice_uses_statutory_holidays_only():
    # The library carries notices up to a known year; later years get the statutory
    # holidays by rule (New Year's Day) and no make-up days, instead of an error.
    last = workcalendar.last_announced_year()
    assert last >= 2026 and workcalendar.is_announced(2026)
    year = last + 1
    assert not workcalendar.is_announced(year)
    assert not workcalendar.is_working_day(date(year, 1, 1))
    assert not workcalendar.is_working_day(date(year, 10, 1))
    due = deadline_for(at(f"{year}-01-01 10:00"), 1, TimeLimitUnit.WORKING_DAYS)
    assert due.astimezone(SHANGHAI).date() > date(year, 1, 1)


def test_join_applications_use_the_same_calendar():
    # identity's 15-working-day answer window now skips holidays too.
    due = clock.add_working_days(at("2026-09-30 10:00"), 1)
    assert local(due) == "2026-10-08 10:00"


async def test_deadlines_past_the_last_known_notice_are_flagged_provisional(gql, factory):
    from tests.services.helpers import make_item, principal
    from unionhub.services import requests

    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    item = await make_item(cadre, tree.counties["A"], time_limit=3)
    last = workcalendar.last_announced_year()
    known = await requests.submit(principal(member), item.id, "d", now=at(f"{last}-11-02 10:00"))
    beyond = await requests.submit(principal(member), item.id, "d", now=at(f"{last}-12-30 10:00"))
    query = "query Q($id: ID!) { serviceRequest(id: $id) { deadline deadlineProvisional } }"
    a = await gql(query, {"id": str(known.id)}, token=member.token)
    b = await gql(query, {"id": str(beyond.id)}, token=member.token)
    assert a.data["serviceRequest"]["deadlineProvisional"] is False
    assert b.data["serviceRequest"]["deadlineProvisional"] is True
