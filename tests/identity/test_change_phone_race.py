"""A phone change racing the account's closure: the closure wins, and the closed account gets
no phone back (its phone is erased, and a phone on it would let SMS sign-in find it). A phone
change or a closure racing a password reset: the reset wins (below).

The closure is held open by a second PostgreSQL connection that has already updated the
member's row: the change reads the account as open, then waits on the row's lock, and finds
it closed when the closure commits."""

from __future__ import annotations

import asyncio
import os

import asyncpg
import pytest

from tests.identity.phone_flows import CHANGE, CLOSE, NEW_PHONE, PASSWORD, PHONE, _refused_as_signed_out, codes, sign_up
from tests.pg_locks import until_waiting
from tests.sms import sms_code
from unionhub import db
from unionhub.identity.accounts import phone_index
from unionhub.identity.models import AuditLog, Member, SmsCode
from unionhub.identity.passwords import hash_password
from unionhub.identity.rights import CLOSED_PHONE_INDEX


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
        await until_waiting(closer, unless=change)
        assert not change.done(), change.result()  # it waits on the closing row
        await closer.execute("COMMIT")
        out = await change
    finally:
        await closer.close()
    row = await Member.get(id=member.id)
    assert (row.phone_bidx, row.phone_enc) == (CLOSED_PHONE_INDEX.format(member.id), "")
    assert codes(out.data["changePhone"]) == ["NOT_FOUND"], out
    assert not await AuditLog.filter(action="identity.phone.change").exists()


# --- a step-up change racing a revocation of the member's sessions ----------------------------
# A password reset (or a sign-out everywhere, a role change) commits while a phone change or a
# closure confirmed with the account's password is on its way: the change was confirmed against
# the account as it was before the revocation, and is refused as the revoked session is
# (UNAUTHENTICATED, TOKEN_REVOKED), as a sign-in checked before it is (identity/sessions.py).
# The reset's transaction is held open by a second connection that has already moved the
# member's sessions epoch and password hash, as `resetPassword` does before it commits.

async def _racing_a_reset(gql, member_id: int, mutation: str, variables: dict, token: str):
    resetter = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await resetter.execute("BEGIN")
        await resetter.execute(
            "UPDATE members SET password_hash = $1, sessions_epoch = sessions_epoch + 1 "
            "WHERE id = $2", await hash_password("brand-new-pass"), member_id)
        change = asyncio.create_task(gql(mutation, variables, token=token))
        await until_waiting(resetter, unless=change)
        assert not change.done(), change.result()  # confirmed, and waiting on the member's row
        await resetter.execute("COMMIT")
        return await change
    finally:
        await resetter.close()


async def test_a_phone_change_confirmed_before_a_password_reset_does_not_land(gql, factory):
    if not db.is_postgres():
        pytest.skip("holds a row lock from a second PostgreSQL connection")
    await factory.tree()
    signed_up = await sign_up(gql)
    member = await Member.get(phone_bidx=phone_index(PHONE))
    code = await sms_code(gql, NEW_PHONE, "CHANGE_PHONE")
    out = await _racing_a_reset(gql, member.id, CHANGE, {"input": {
        "newPhone": NEW_PHONE, "smsCode": code, "password": PASSWORD}}, signed_up["accessToken"])
    _refused_as_signed_out(out)
    assert (await Member.get(id=member.id)).phone_bidx == phone_index(PHONE)
    assert not await AuditLog.filter(action="identity.phone.change").exists()
    assert await SmsCode.filter(consumed_at=None).count() == 1  # the new phone's code stays


async def test_a_closure_confirmed_before_a_password_reset_does_not_land(gql, factory):
    if not db.is_postgres():
        pytest.skip("holds a row lock from a second PostgreSQL connection")
    await factory.tree()
    signed_up = await sign_up(gql)
    member = await Member.get(phone_bidx=phone_index(PHONE))
    out = await _racing_a_reset(gql, member.id, CLOSE, {"input": {"password": PASSWORD}},
                                signed_up["accessToken"])
    _refused_as_signed_out(out)
    row = await Member.get(id=member.id)
    assert (row.closed_at, row.phone_bidx) == (None, phone_index(PHONE))
    assert not await AuditLog.filter(action="identity.account.close").exists()
