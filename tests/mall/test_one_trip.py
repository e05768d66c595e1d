"""A request's keyset reads queued in the same turn go to PostgreSQL as one statement
(unionhub/fastpath/one_trip.py): the home screen's two lists in one round trip, with the same
answers, the same rows (values and Python types, NULLs included) as the reads sent apart (the
`onetrip` part off), a member's new rows at once, no rows of another request, a read that
joined a cancelled sender still answered, and a failing read failing alone."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from tortoise.models import Model

from tests.mall.member_lists import _member_with_lists
from tests.querycount import count_queries
from tests.services.helpers import principal
from tests.tracing_helpers import by_trace, is_db
from unionhub import db
from unionhub.fastpath import keyset_rows, one_trip, switch
from unionhub.fastpath.attached_rows import Parent
from unionhub.mall.models import VoucherCampaign
from unionhub.mall.vouchers import stored_candidates
from unionhub.services import requests
from unionhub.services.models import ServiceRequest

HOME = ("query Home { me { id displayName tier union { name } card { number status } } "
        "myVouchers { id status validUntil campaign { name faceValueFen } } "
        "myServiceRequests(first: 5) { edges { node { id status submittedAt deadline "
        "item { name } } } } }")


def postgres_only() -> None:
    if not db.is_postgres():
        pytest.skip("PostgreSQL only: elsewhere each read is sent alone")


def _with(onetrip: bool) -> switch.Switches:
    return switch.set_switches(switch.Switches(onetrip=onetrip))


async def _home(gql: Any, member: Any, onetrip: bool) -> tuple[Any, int, Any]:
    previous = _with(onetrip)
    try:
        await gql(HOME, token=member.token)  # the caller's record cached
        with count_queries(cold=False) as counted:
            r = await gql(HOME, token=member.token)
    finally:
        switch.set_switches(previous)
    assert r.errors == [], r.errors
    return r.data, counted.count, r.body["extensions"]["traceId"]


async def test_home_answers_alike_in_one_statement(gql, factory, spans, mall):
    _, member, item = await _member_with_lists(gql, factory)
    spans.clear()
    together, on, trace = await _home(gql, member, True)
    apart, off, _ = await _home(gql, member, False)
    assert together == apart
    assert len(together["myVouchers"]) == 2 and len(together["myServiceRequests"]["edges"]) == 3
    assert (on, off) == ((1, 2) if db.is_postgres() else (off, off))
    if db.is_postgres():  # one span for the statement, saying it carried two reads
        [span] = [s for s in by_trace(spans.get_finished_spans(), trace) if is_db(s)]
        assert span.attributes["db.operation.batch.size"] == 2
        assert span.name == "SELECT mall_vouchers"
        assert '"service_requests"' in span.attributes["db.statement"]
    # The member's new request shows at once, first.
    new = await requests.submit(principal(member), item.id, "又一次")
    after, *_ = await _home(gql, member, True)
    assert after["myServiceRequests"]["edges"][0]["node"]["id"] == str(new.id)
    assert after == (await _home(gql, member, False))[0]


def _fields(rows: list[Model]) -> list[dict[str, Any]]:
    """Every column's value with its type (an aware datetime stays aware, a NULL stays None)."""
    return [{name: (getattr(row, name), type(getattr(row, name)),
                    getattr(getattr(row, name), "tzinfo", None))
             for name in row._meta.db_fields} | {"__class__": type(row)} for row in rows]


def _info() -> Any:
    """What `together` reads of a root resolver's info: the request's context, and whether the
    operation has sibling root fields."""
    return SimpleNamespace(context=object(), operation=SimpleNamespace(
        selection_set=SimpleNamespace(selections=[1, 2])))


async def _both_lists(member_id: int, info: Any | None) -> tuple[Any, ...]:
    """The home screen's two reads, sent in the same turn (together when `info`)."""
    campaigns = Parent(VoucherCampaign, "campaign_id")

    async def vouchers() -> list[Model]:
        if info is None:
            return await keyset_rows.first_rows(stored_candidates(member_id, None), campaigns)
        with one_trip.together(info):
            return await keyset_rows.first_rows(stored_candidates(member_id, None), campaigns)

    async def page() -> list[Model] | None:
        qs = ServiceRequest.filter(member_id=member_id)
        if info is None:
            return await keyset_rows.page_rows(qs, ("-id",), None, 6)
        with one_trip.together(info):
            return await keyset_rows.page_rows(qs, ("-id",), None, 6)

    with count_queries(cold=False) as counted:
        found, requested = await asyncio.gather(vouchers(), page())
    assert requested is not None
    return _fields(found), _fields(list(campaigns.found.values())), _fields(requested), \
        counted.count


async def test_the_rows_are_the_rows_sent_apart(gql, factory, mall):
    postgres_only()
    _, member, _ = await _member_with_lists(gql, factory)
    together = await _both_lists(member.member.id, _info())
    apart = await _both_lists(member.member.id, None)
    assert together[:3] == apart[:3]
    assert (together[3], apart[3]) == (1, 2)
    vouchers, campaigns, requested, _ = together
    assert len(vouchers) == 2 and len(campaigns) == 1 and len(requested) == 3
    # NULLs, enums and aware datetimes among them (a request's form values, the JSON column
    # these rows had, are sealed text since services migration 0005)
    assert requested[0]["rating"][0] is None and vouchers[0]["used_at"][0] is None
    assert isinstance(requested[0]["details_enc"][0], str)
    assert requested[0]["submitted_at"][2] is not None


async def test_concurrent_requests_keep_their_own_rows(gql, factory, mall):
    postgres_only()
    tree = await factory.tree()
    members = [(await _member_with_lists(gql, factory, tree, requests_made=n % 3 + 1))[1]
               for n in range(6)]
    apart = [(await _home(gql, m, False))[0] for m in members]
    previous = _with(True)
    try:
        for _ in range(3):
            together = await asyncio.gather(*(gql(HOME, token=m.token) for m in members))
            assert [r.errors for r in together] == [[]] * len(members)
            assert [r.data for r in together] == apart
    finally:
        switch.set_switches(previous)
    assert len({a["me"]["id"] for a in apart}) == len(members)


async def test_a_read_that_joined_a_cancelled_sender_is_answered(gql, factory, mall):
    postgres_only()
    _, member, _ = await _member_with_lists(gql, factory)
    info = _info()
    qs = ServiceRequest.filter(member_id=member.member.id)
    expected = _fields(await keyset_rows.page_rows(qs, ("-id",), None, 6) or [])

    async def read() -> list[Model] | None:
        with one_trip.together(info):
            return await keyset_rows.page_rows(qs, ("-id",), None, 6)

    for turns in (0, 1):  # cancelled while waiting for siblings; while its statement runs
        sender, joined = asyncio.create_task(read()), asyncio.create_task(read())
        for _ in range(1 + turns):
            await asyncio.sleep(0)
        sender.cancel()
        assert _fields(await joined or []) == expected
        with pytest.raises(asyncio.CancelledError):
            await sender


async def test_a_failing_read_fails_alone(gql, factory, mall):
    postgres_only()
    _, member, _ = await _member_with_lists(gql, factory)
    info = _info()
    client = db.conn()
    good = ('SELECT "id" FROM "service_requests" WHERE "member_id"=$1 ORDER BY "id" DESC '
            'LIMIT $2')
    numbered = good.replace('SELECT "id"',
                            'SELECT row_number() OVER (ORDER BY "id" DESC) AS "~n", "id"')

    async def read(sql: str, numbered: str, params: list[Any]) -> Any:
        with one_trip.together(info):
            return await one_trip.rows(client, sql, numbered, params)

    fine, failed = await asyncio.gather(
        read(good, numbered, [member.member.id, 6]),
        read('SELECT 1 / $1::int AS "x"', 'SELECT 1 AS "~n", 1 / $1::int AS "x"', [0]),
        return_exceptions=True)
    assert isinstance(failed, Exception) and "division by zero" in str(failed)
    assert fine == await client.execute_query_dict(good, [member.member.id, 6])
    assert len(fine) == 3
