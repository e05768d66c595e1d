"""Real-name verification racing the account's closure (identity/verification.py): the closure
commits while the authority is being asked, and the verification then answers as it does for
an account already closed (NOT_FOUND, nothing written), not with an internal error.

The closure is held open by a second PostgreSQL connection that has already updated the
member's row: the verification reads the account as open, asks the authority, then waits on
the row's lock and finds the account closed when the closure commits."""

from __future__ import annotations

import asyncio
import os

import asyncpg
import pytest

from tests.identity.verification_flows import SPARE, VERIFY
from tests.pg_locks import until_waiting
from unionhub import db
from unionhub.identity.models import IdentityConflict, Member
from unionhub.identity.privacy import CURRENT
from unionhub.identity.rights import CLOSED_PHONE_INDEX


async def test_a_verification_never_lands_on_an_account_closed_meanwhile(gql, factory):
    if not db.is_postgres():
        pytest.skip("holds a row lock from a second PostgreSQL connection")
    account = await factory.account(verified=False)
    member_id = account.member.id
    closer = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await closer.execute("BEGIN")
        await closer.execute(
            "UPDATE members SET closed_at = now(), phone_enc = '', phone_bidx = $1 "
            "WHERE id = $2", CLOSED_PHONE_INDEX.format(member_id), member_id)
        verifying = asyncio.create_task(gql(VERIFY, {"input": {
            "name": SPARE[0], "idNumber": SPARE[1], "consentVersion": CURRENT.version}},
            token=account.token))
        await until_waiting(closer, unless=verifying)
        assert not verifying.done(), verifying.result()  # it waits on the closing row
        await closer.execute("COMMIT")
        out = await verifying
    finally:
        await closer.close()
    assert out.errors == [], out.errors  # not an internal error
    assert [e["code"] for e in out.data["verifyIdentity"]["errors"]] == ["NOT_FOUND"]
    row = await Member.get(id=member_id)
    assert (row.verified_at, row.name_enc, row.id_number_bidx) == (None, None, None)
    assert await IdentityConflict.all().count() == 0


async def test_a_number_let_go_by_its_holder_meanwhile_is_bound_not_falsely_reported(gql, factory):
    """The number's index is taken by another member's transaction, so the verification's write
    fails on the unique index when that commits; before the verification can look the holder
    up, the holder lets the number go (their account closed erases it). The verification then
    binds the number: it was answered as verified with nothing saved before."""
    if not db.is_postgres():
        pytest.skip("orders three PostgreSQL connections by their locks")
    from unionhub.identity.accounts import id_number_index

    account = await factory.account(verified=False)
    holder = await factory.account(verified=False)
    taker = await asyncpg.connect(os.environ["DATABASE_URL"])
    blocker = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await taker.execute("BEGIN")
        await taker.execute("UPDATE members SET id_number_bidx = $1 WHERE id = $2",
                            id_number_index(SPARE[1]), holder.member.id)
        verifying = asyncio.create_task(gql(VERIFY, {"input": {
            "name": SPARE[0], "idNumber": SPARE[1], "consentVersion": CURRENT.version}},
            token=account.token))
        await until_waiting(taker, unless=verifying)
        assert not verifying.done(), verifying.result()  # its write waits on the unique index
        # Queued before the verification's next read of members, which so waits behind it.
        await blocker.execute("BEGIN")
        locking = asyncio.create_task(
            blocker.execute("LOCK TABLE members IN ACCESS EXCLUSIVE MODE"))
        await until_waiting(taker, 2, unless=verifying)
        await taker.execute("COMMIT")  # the verification's write fails on the index
        await asyncio.wait_for(locking, 10)
        await blocker.execute("UPDATE members SET id_number_bidx = NULL WHERE id = $1",
                              holder.member.id)
        await blocker.execute("COMMIT")  # the holder let it go; the verification reads on
        out = await asyncio.wait_for(verifying, 10)
    finally:
        await taker.close()
        await blocker.close()
    row = await Member.get(id=account.member.id)
    answered = out.data["verifyIdentity"]["errors"] if out.data else out.errors
    assert answered == [] and row.verified_at is not None, (answered, row.verified_at)
    assert row.id_number_bidx == id_number_index(SPARE[1])
    assert await IdentityConflict.all().count() == 0

