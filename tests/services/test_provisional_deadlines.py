"""A deadline computed into a year whose State Council holiday notice the `holidays` package
does not carry yet is an estimate (statutory holidays, no make-up days). Once the package
carries the notice (upgraded), the estimate is settled under it before anything acts on it:
the escalation job does not escalate a request on the estimate, the deadline served is the
settled one, and `deadlineProvisional` does not turn false while the estimate stands."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import pytest
from holidays.countries.china import ChinaStaticHolidays

from tests.services.helpers import at, make_item, principal
from unionhub import workcalendar
from unionhub.clock import SHANGHAI
from unionhub.services import requests
from unionhub.services.deadlines import deadline_for, settle_provisional
from unionhub.services.escalation import escalate_overdue
from unionhub.services.models import ServiceRequest, TimeLimitUnit

ONE = "query Q($id: ID!) { serviceRequest(id: $id) { deadline deadlineProvisional overdue } }"


@pytest.fixture
def calendar() -> Iterator[None]:
    """The holidays package's notices as a test changes them, and as they were after."""
    workcalendar.forget_notices()
    yield
    workcalendar.forget_notices()


async def _estimated(factory):
    """A request of the last days of the last announced year, due in the next one."""
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    item = await make_item(cadre, tree.counties["A"], time_limit=3)
    year = workcalendar.last_announced_year() + 1
    submitted = at(f"{year - 1}-12-30 10:00")
    req = await requests.submit(principal(member), item.id, "拖欠工资", now=submitted)
    assert req.deadline.astimezone(SHANGHAI).year == year
    return member, req, submitted, year


def _notice_arrives(monkeypatch, year: int, day_off) -> None:
    """The package is upgraded with `year`'s notice: `day_off`, a working day by the statutory
    estimate, is a holiday, made up on the Saturday after it."""
    saturday = day_off + timedelta(days=(5 - day_off.weekday()) % 7 or 7)
    monkeypatch.setitem(ChinaStaticHolidays.special_public_holidays, year,
                        ((day_off.month, day_off.day, saturday.month, saturday.day),))
    workcalendar.forget_notices()
    assert workcalendar.is_announced(year) and not workcalendar.is_working_day(day_off)


async def test_the_escalation_job_settles_an_estimate_before_acting_on_it(
        gql, factory, monkeypatch, calendar):
    member, req, submitted, year = await _estimated(factory)
    estimate = req.deadline
    shown = await gql(ONE, {"id": str(req.id)}, token=member.token)
    assert shown.data["serviceRequest"]["deadlineProvisional"] is True

    _notice_arrives(monkeypatch, year, estimate.astimezone(SHANGHAI).date())
    settled = deadline_for(submitted, 3, TimeLimitUnit.WORKING_DAYS)
    assert settled > estimate  # the due day became a holiday: a working day later

    # The job runs between the estimate and the settled deadline: nothing is overdue.
    assert await escalate_overdue(now=estimate + timedelta(hours=1)) == 0
    row = await ServiceRequest.get(id=req.id)
    assert (row.deadline, row.escalated_at) == (settled, None)
    shown = await gql(ONE, {"id": str(req.id)}, token=member.token)
    assert shown.data["serviceRequest"]["deadlineProvisional"] is False
    assert shown.data["serviceRequest"]["deadline"].startswith(
        settled.isoformat().replace("+00:00", ""))
    # Past the settled deadline it escalates as any other.
    assert await escalate_overdue(now=settled + timedelta(minutes=1)) == 1


async def test_an_unsettled_estimate_stays_provisional_after_the_upgrade(
        gql, factory, monkeypatch, calendar):
    """Between the upgrade and the job's next run the served deadline is still the estimate,
    and says so."""
    member, req, _submitted, year = await _estimated(factory)
    _notice_arrives(monkeypatch, year, req.deadline.astimezone(SHANGHAI).date())
    shown = await gql(ONE, {"id": str(req.id)}, token=member.token)
    assert shown.data["serviceRequest"]["deadlineProvisional"] is True


async def test_an_estimate_written_unflagged_is_found(factory, monkeypatch, calendar):
    """A request a replica of the release before this one wrote carries no flag: the job
    flags an estimate by its year, and settles it once the notice is known."""
    _member, req, submitted, year = await _estimated(factory)
    await ServiceRequest.filter(id=req.id).update(deadline_provisional=False)
    assert await escalate_overdue(now=submitted) == 0
    assert (await ServiceRequest.get(id=req.id)).deadline_provisional is True
    _notice_arrives(monkeypatch, year, req.deadline.astimezone(SHANGHAI).date())
    assert await escalate_overdue(now=submitted) == 0
    row = await ServiceRequest.get(id=req.id)
    assert (row.deadline_provisional, row.deadline) == (
        False, deadline_for(submitted, 3, TimeLimitUnit.WORKING_DAYS))


async def test_two_workers_at_once_settle_each_estimate_once(factory, monkeypatch, calendar):
    _member, req, submitted, year = await _estimated(factory)
    _notice_arrives(monkeypatch, year, req.deadline.astimezone(SHANGHAI).date())
    assert sum(await asyncio.gather(*(settle_provisional() for _ in range(3)))) == 1
    row = await ServiceRequest.get(id=req.id)
    assert (row.deadline_provisional, row.deadline) == (
        False, deadline_for(submitted, 3, TimeLimitUnit.WORKING_DAYS))
