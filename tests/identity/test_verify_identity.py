"""`verifyIdentity` through the GraphQL endpoint: the GB 11643 checks of the ID number (check
character, birth date, age, region) and of the name refuse before the authority is asked and
change nothing; valid variants reach the authority (the sandbox); an ID number verifies one
account only, concurrently too; a second verification and an anonymous one are refused.
(Verification against the authority and its providers: test_identity_verification.py.)"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from tests.identity.account_flows import CONSENT, VALID_ID, VERIFY, _new_member, register
from unionhub.clock import today_shanghai
from unionhub.identity.accounts import id_number_index
from unionhub.identity.models import IdentityConflict, Member

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def with_check(first17: str) -> str:
    """ISO 7064 MOD 11-2, written out here from the standard (not imported from the code
    under test) so that a wrong table in the code cannot agree with itself."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def _birth_years_ago(years: int, days_offset: int = 0) -> str:
    today = today_shanghai()
    try:
        birth = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        birth = today.replace(year=today.year - years, day=28)
    return f"{birth + timedelta(days=days_offset):%Y%m%d}"


async def _member_snapshot(member_id: int) -> tuple:
    m = await Member.get(id=member_id)
    return (m.name_enc, m.id_number_enc, m.id_number_bidx, m.verified_at, m.union_id,
            m.display_name, m.phone_enc, m.updated_at)


async def test_verify_identity_with_a_valid_number(gql, factory):
    await factory.tree()
    token, member_id = await _new_member(gql)
    out = await gql(VERIFY, {"input": {"name": "张三丰", "idNumber": VALID_ID, "consentVersion": CONSENT}}, token=token)
    payload = out.data["verifyIdentity"]
    assert payload["errors"] == []
    assert payload["member"] == {"id": str(member_id), "name": "张三丰", "idNumber": VALID_ID,
                                 "tier": "MEMBER"}  # VERIFIED needs a card too
    row = await Member.get(id=member_id)
    assert row.verified_at is not None and row.id_number_bidx == id_number_index(VALID_ID)


@pytest.mark.parametrize(("id_number", "code"), [
    ("110105194912310021", "ID_NUMBER_CHECKSUM"),                 # check char should be X
    (with_check("11010519490230002"), "ID_NUMBER_BIRTH_DATE"),   # 30 February
    (with_check("11010519491301002"), "ID_NUMBER_BIRTH_DATE"),   # month 13
    (with_check("11010519490000002"), "ID_NUMBER_BIRTH_DATE"),   # day 0
    (with_check("11010518991231002"), "ID_NUMBER_BIRTH_DATE"),   # before 1900
    (with_check(f"110105{_birth_years_ago(0, 1)}002"), "ID_NUMBER_BIRTH_DATE"),  # tomorrow
    (with_check(f"110105{_birth_years_ago(15)}002"), "ID_NUMBER_UNDERAGE"),
    (with_check(f"110105{_birth_years_ago(16, 1)}002"), "ID_NUMBER_UNDERAGE"),  # 16 tomorrow
    (with_check("99010519491231002"), "ID_NUMBER_REGION"),
    (with_check("00010519491231002"), "ID_NUMBER_REGION"),
    (with_check("70010519491231002"), "ID_NUMBER_REGION"),
    ("11010519491231002", "ID_NUMBER_FORMAT"),
    ("1101051949123100XX", "ID_NUMBER_FORMAT"),
    ("", "ID_NUMBER_FORMAT"),
])
async def test_verify_identity_refuses_bad_numbers_and_changes_nothing(gql, factory, id_number,
                                                                      code):
    await factory.tree()
    token, member_id = await _new_member(gql)
    before = await _member_snapshot(member_id)
    out = await gql(VERIFY, {"input": {"name": "张三丰", "idNumber": id_number,
                                       "consentVersion": CONSENT}}, token=token)
    payload = out.data["verifyIdentity"]
    assert payload["member"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, "idNumber")]
    assert await _member_snapshot(member_id) == before
    assert (await Member.get(id=member_id)).verified_at is None


@pytest.mark.parametrize("id_number", [
    "11010519491231002x",                                    # lowercase x
    with_check(f"110105{_birth_years_ago(16)}002"),          # 16 today
    with_check("71000019800101001"),                         # Taiwan
    with_check("81000019800101001"),                         # Hong Kong
    with_check("82000019800101001"),                         # Macao
    with_check("83000019800101001"),                         # Taiwan (residence permit)
    with_check("61011219800229001"),                         # a real 29 February
])
async def test_verify_identity_accepts_valid_variants(gql, factory, id_number):
    """Each passes the local GB 11643 checks and reaches the authority (the sandbox), which
    verifies only its demo pairs: the lowercase x of its example number verifies; the rest
    answer IDENTITY_NOT_VERIFIED, not a format error."""
    await factory.tree()
    token, member_id = await _new_member(gql)
    out = await gql(VERIFY, {"input": {"name": "张三丰", "idNumber": id_number,
                                       "consentVersion": CONSENT}}, token=token)
    payload = out.data["verifyIdentity"]
    if id_number.upper() == VALID_ID:
        assert payload["errors"] == []
        assert payload["member"]["idNumber"] == VALID_ID
        assert (await Member.get(id=member_id)).id_number_bidx == id_number_index(VALID_ID)
    else:
        assert [e["code"] for e in payload["errors"]] == ["IDENTITY_NOT_VERIFIED"]
        assert (await Member.get(id=member_id)).verified_at is None


@pytest.mark.parametrize("name", ["", "张", "Zhang3", "张三<script>", "张 三"])
async def test_verify_identity_refuses_a_malformed_name(gql, factory, name):
    await factory.tree()
    token, member_id = await _new_member(gql)
    before = await _member_snapshot(member_id)
    out = await gql(VERIFY, {"input": {"name": name, "idNumber": VALID_ID, "consentVersion": CONSENT}}, token=token)
    assert [(e["code"], e["field"]) for e in out.data["verifyIdentity"]["errors"]] == [
        ("NAME_FORMAT", "name")]
    assert await _member_snapshot(member_id) == before


async def test_an_id_number_verifies_one_account_only(gql, factory):
    await factory.tree()
    first = await register(gql, "13812345678")
    second = await register(gql, "13812345679")
    ok = await gql(VERIFY, {"input": {"name": "张三丰", "idNumber": VALID_ID, "consentVersion": CONSENT}},
                   token=first["accessToken"])
    assert ok.data["verifyIdentity"]["errors"] == []
    member_id = int(second["member"]["id"])
    before = await _member_snapshot(member_id)
    # The lowercase form is the same number.
    taken = await gql(VERIFY, {"input": {"name": "张三丰", "idNumber": VALID_ID.lower(), "consentVersion": CONSENT}},
                      token=second["accessToken"])
    # The same answer as a mismatch: nothing says whose number it is.
    mismatch = await gql(VERIFY, {"input": {"name": "李四", "idNumber": "610111196601070000",
                                            "consentVersion": CONSENT}},
                         token=second["accessToken"])
    assert taken.data["verifyIdentity"]["errors"] == mismatch.data["verifyIdentity"]["errors"]
    assert [(e["code"], e["field"]) for e in taken.data["verifyIdentity"]["errors"]] == [
        ("IDENTITY_NOT_VERIFIED", "idNumber")]
    assert "contact your union" in taken.data["verifyIdentity"]["errors"][0]["message"]
    assert await _member_snapshot(member_id) == before


async def test_concurrent_verifications_of_one_id_number_verify_one_account(gql, factory):
    await factory.tree()
    accounts = [await register(gql, f"1381234567{i}") for i in range(5)]
    results = await asyncio.gather(*(
        gql(VERIFY, {"input": {"name": "张三丰", "idNumber": VALID_ID, "consentVersion": CONSENT}},
            token=a["accessToken"])
        for a in accounts))
    codes = [[e["code"] for e in r.data["verifyIdentity"]["errors"]] for r in results]
    assert sorted(codes) == [[]] + [["IDENTITY_NOT_VERIFIED"]] * 4
    assert await IdentityConflict.all().count() == 4  # each loser recorded for the cadres
    assert await Member.filter(id_number_bidx=id_number_index(VALID_ID)).count() == 1
    assert await Member.exclude(verified_at=None).count() == 1


async def test_verify_identity_twice_is_refused(gql, factory):
    await factory.tree()
    token, member_id = await _new_member(gql)
    await gql(VERIFY, {"input": {"name": "张三丰", "idNumber": VALID_ID, "consentVersion": CONSENT}}, token=token)
    before = await _member_snapshot(member_id)
    again = await gql(VERIFY, {"input": {"name": "李四", "idNumber": with_check(
        "61011219800229001"), "consentVersion": CONSENT}}, token=token)
    assert [e["code"] for e in again.data["verifyIdentity"]["errors"]] == ["ALREADY_VERIFIED"]
    assert await _member_snapshot(member_id) == before


async def test_verify_identity_needs_a_signed_in_member(gql, factory):
    await factory.tree()
    r = await gql(VERIFY, {"input": {"name": "张三丰", "idNumber": VALID_ID, "consentVersion": CONSENT}})
    assert r.error_codes() == ["UNAUTHENTICATED"]
    assert await Member.exclude(verified_at=None).count() == 0
