"""A phone change racing the account's closure: the closure wins, and the closed account gets
no phone back (its phone is erased, and a phone on it would let SMS sign-in find it).

The closure is held open by a second PostgreSQL connection that has already updated the
member's row: the change reads the account as open, then waits on the row's lock, and finds
it closed when the closure commits."""

from __future__ import annotations

import asyncio
import os

import asyncpg
import pytest

from tests.identity.test_sms_codes import CHANGE, PASSWORD, PHONE, codes, sign_up
from tests.sms import sms_code
from unionhub import db
from unionhub.identity.accounts import phone_index
from unionhub.identity.models import AuditLog, Member
from unionhub.identity.rights import CLOSED_PHONE_INDEX

NEW_PHONE = "13900001111"


async def _waiting_on_a_lock(connection: asyncpg.Connection) -> bool:
    return bool(await connection.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"))


async def test_a_phone_change_never_lands_on_an_account_closed_meanwhile(gql, factory):
    if not db.is_postgres():
        pytest.skip("holds a row lock from a second PostgreSQL connection")
    await factory.tree()
    signed_up = await sign_up(gql)
    member = await Member.get(phone_bidx=phone_index(PHONE))
    code = await sms_code(gql, NEW_PHONE, "CHANGE_PHONE")
    closer = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await closer.execute("BEGIN")
        await closer.execute(
            "UPDATE members SET closed_at = now(), phone_enc = '', phone_bidx = $1 "
            "WHERE id = $2", CLOSED_PHONE_INDEX.format(member.id), member.id)
        change = asyncio.create_task(gql(CHANGE, {"input": {
            "newPhone": NEW_PHONE, "smsCode": code, "password": PASSWORD}},
            token=signed_up["accessToken"]))
        for _ in range(200):
            if await _waiting_on_a_lock(closer) or change.done():
                break
            await asyncio.sleep(0.02)
        assert not change.done(), change.result()  # it waits on the closing row
        await closer.execute("COMMIT")
        out = await change
    finally:
        await closer.close()
    row = await Member.get(id=member.id)
    assert (row.phone_bidx, row.phone_enc) == (CLOSED_PHONE_INDEX.format(member.id), "")
    assert codes(out.data["changePhone"]) == ["NOT_FOUND"], out
    assert not await AuditLog.filter(action="identity.phone.change").exists()
