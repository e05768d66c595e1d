"""Sign-up through the GraphQL endpoint: `register` refuses malformed phones, passwords of the
wrong length and a phone already registered, stores an argon2id hash, and makes one account of
concurrent registrations; the first registrations share one holding pool."""

from __future__ import annotations

import asyncio

import pytest

from tests.identity.account_flows import LOGIN, PASSWORD, register
from tests.sms import sms_code
from unionhub.identity.accounts import phone_index
from unionhub.identity.models import Member, RefreshToken


async def member_count() -> int:
    return await Member.all().count()


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "138123456789", "23812345678",
                                   "1381234567a", "+8613812345678", ""])
async def test_register_refuses_a_malformed_phone_and_writes_nothing(gql, factory, phone):
    await factory.tree()
    before = await member_count()
    out = await register(gql, phone)
    assert out["accessToken"] is None and out["member"] is None
    assert [(e["code"], e["field"]) for e in out["errors"]] == [("PHONE_FORMAT", "phone")]
    assert await member_count() == before


@pytest.mark.parametrize("password", ["", "short-7", "x" * 129])
async def test_register_refuses_a_password_of_the_wrong_length(gql, factory, password):
    await factory.tree()
    before = await member_count()
    out = await register(gql, "13812345678", password)
    assert [(e["code"], e["field"]) for e in out["errors"]] == [("PASSWORD_LENGTH", "password")]
    assert await member_count() == before


@pytest.mark.parametrize("password", ["eight-ch", "y" * 128])
async def test_register_accepts_passwords_at_the_length_limits(gql, factory, password):
    await factory.tree()
    out = await register(gql, "13812345678", password)
    assert out["errors"] == []
    assert out["member"]["tier"] == "MEMBER"
    login = await gql(LOGIN, {"input": {"phone": "13812345678", "password": password}})
    assert login.data["login"]["errors"] == []


async def test_register_stores_an_argon2id_hash(gql, factory):
    await factory.tree()
    out = await register(gql, "13812345678")
    row = await Member.get(id=int(out["member"]["id"]))
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash


async def test_register_refuses_a_phone_already_registered(gql, factory):
    await factory.tree()
    first = await register(gql, "13812345678")
    assert first["errors"] == []
    second = await register(gql, " 13812345678 ", "another-password")
    assert [(e["code"], e["field"]) for e in second["errors"]] == [("PHONE_TAKEN", "phone")]
    assert second["accessToken"] is None
    assert await Member.filter(phone_bidx=phone_index("13812345678")).count() == 1
    # The first account's password still signs in; the second's does not.
    ok = await gql(LOGIN, {"input": {"phone": "13812345678", "password": PASSWORD}})
    assert ok.data["login"]["errors"] == []
    bad = await gql(LOGIN, {"input": {"phone": "13812345678", "password": "another-password"}})
    assert bad.data["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_concurrent_registrations_of_one_phone_make_one_account(gql, factory):
    await factory.tree()
    code = await sms_code(gql, "13812345678")  # one code, used by five requests at once
    results = await asyncio.gather(*(register(gql, "13812345678", f"password-{i}", code)
                                     for i in range(5)))
    winners = [r for r in results if not r["errors"]]
    losers = [r for r in results if r["errors"]]
    assert len(winners) == 1
    # A loser either found the code used up or, when it got past the code, the phone taken.
    assert {e["code"] for r in losers for e in r["errors"]} <= {"PHONE_TAKEN", "SMS_CODE_INVALID"}
    assert all(r["accessToken"] is None for r in losers)
    assert await Member.filter(phone_bidx=phone_index("13812345678")).count() == 1
    assert await RefreshToken.all().count() == 1


async def test_concurrent_first_registrations_share_one_holding_pool(gql):
    # A new installation: the province exists, the holding pool not yet.
    from unionhub.identity.models import Union, UnionLevel
    from unionhub.identity.orgs import create_union

    province, _ = await create_union(name="陕西省总工会", level=UnionLevel.PROVINCE,
                                     region_code="610000")
    results = await asyncio.gather(*(register(gql, f"1381234560{i}") for i in range(6)))
    assert all(r["errors"] == [] for r in results)
    pools = await Union.filter(is_holding_pool=True)
    assert len(pools) == 1 and pools[0].parent_id == province.id
    assert await Member.filter(union_id=pools[0].id).count() == 6
