"""submitServiceRequest's optional idempotency key: a retry answers the first request, a key
reused for another submission is refused and writes nothing, and two submissions with one key
at once make one request (on PostgreSQL, both held past the look-up by a lock)."""

from __future__ import annotations

import asyncio
import os

import asyncpg
import pytest

from tests.pg_locks import until_waiting
from tests.services.helpers import SUBMIT, make_item
from unionhub import db
from unionhub.services.models import ServiceRequest, ServiceRequestEvent

KEY = "5b0c8e0e-retry-1"


async def _setup(factory):
    tree = await factory.tree()
    county = tree.counties["A"]
    cadre = await factory.cadre(county)
    member = await factory.account(tree.grassroots["A"][0])
    item = await make_item(cadre, county, required_fields=["employer", "dispute"])
    return member, item


def _input(item, details: str = "拖欠工资三个月", key: str | None = KEY, **fields: str) -> dict:
    values = fields or {"employer": "某建筑公司", "dispute": "欠薪"}
    body = {"itemId": str(item.id), "details": details,
            "fields": [{"name": n, "value": v} for n, v in values.items()]}
    return {"input": body if key is None else {**body, "idempotencyKey": key}}


def _answer(out) -> tuple[str | None, list[str]]:
    assert out.errors == [], out.errors
    payload = out.data["submitServiceRequest"]
    return ((payload["request"] or {}).get("id"), [e["code"] for e in payload["errors"]])


async def test_a_retry_with_the_key_answers_the_first_request(gql, factory):
    member, item = await _setup(factory)
    first = _answer(await gql(SUBMIT, _input(item), token=member.token))
    assert first[0] and first[1] == []
    # The same submission again, its form in another order and with spaces trimmed by the rules.
    again = _input(item, "拖欠工资三个月 ", dispute="欠薪", employer="某建筑公司")
    assert _answer(await gql(SUBMIT, again, token=member.token)) == first
    assert await ServiceRequest.filter(member_id=int(member.id)).count() == 1
    assert await ServiceRequestEvent.filter(request_id=int(first[0])).count() == 1

    # Without a key every call is a new request, as for clients that send none.
    for _ in range(2):
        assert _answer(await gql(SUBMIT, _input(item, key=None), token=member.token))[1] == []
    assert await ServiceRequest.filter(member_id=int(member.id)).count() == 3
    # Keys are per member: another member's same key is their own.
    other = await factory.account()
    other_out = _answer(await gql(SUBMIT, _input(item), token=other.token))
    assert other_out[1] == [] and other_out[0] != first[0]


async def test_a_key_reused_for_another_submission_is_refused(gql, factory):
    member, item = await _setup(factory)
    first = _answer(await gql(SUBMIT, _input(item), token=member.token))
    for changed in (_input(item, "拖欠工资四个月"),  # other details
                    _input(item, employer="另一家公司", dispute="欠薪"),  # another form
                    _input(item, employer="某建筑公司")):  # a field missing
        out = await gql(SUBMIT, changed, token=member.token)
        assert _answer(out) == (None, ["IDEMPOTENCY_KEY_REUSED"])
    assert [r.id for r in await ServiceRequest.filter(member_id=int(member.id))] == [int(first[0])]


async def test_the_letters_case_of_details_is_part_of_the_submission(gql, factory):
    member, item = await _setup(factory)
    _answer(await gql(SUBMIT, _input(item, "overtime unpaid"), token=member.token))
    out = await gql(SUBMIT, _input(item, "OVERTIME UNPAID"), token=member.token)
    assert _answer(out) == (None, ["IDEMPOTENCY_KEY_REUSED"])


async def test_a_malformed_key_is_refused_and_writes_nothing(gql, factory):
    member, item = await _setup(factory)
    for key in ("short", "x" * 65, "has space in it", ""):
        out = await gql(SUBMIT, _input(item, key=key), token=member.token)
        assert _answer(out) == (None, ["IDEMPOTENCY_KEY_FORMAT"])
    assert not await ServiceRequest.filter(member_id=int(member.id)).exists()


async def test_two_submissions_with_one_key_at_once_make_one_request(gql, factory):
    if not db.is_postgres():
        pytest.skip("holds the item's row from a second PostgreSQL connection")
    member, item = await _setup(factory)
    holder = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        # Both calls pass the key's look-up (nothing committed yet) and insert their row; the
        # foreign key's check then waits on the item held here (the first) and the unique key
        # on the first's row (the second).
        await holder.execute("BEGIN")
        await holder.execute("SELECT 1 FROM service_items WHERE id = $1 FOR UPDATE", item.id)
        calls = asyncio.gather(*(gql(SUBMIT, _input(item), token=member.token)
                                 for _ in range(2)))
        await until_waiting(holder, 2, unless=calls)
        assert not calls.done(), calls.result()
        await holder.execute("COMMIT")
        answers = [_answer(out) for out in await calls]
    finally:
        await holder.close()
    rows = await ServiceRequest.filter(member_id=int(member.id))
    assert len(rows) == 1
    assert answers == [(str(rows[0].id), [])] * 2
    assert await ServiceRequestEvent.filter(request_id=rows[0].id).count() == 1


