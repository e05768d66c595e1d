"""Sign-up, sign-in, access tokens and refresh-token rotation, through the GraphQL endpoint;
real-name verification and personal data at rest."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import time
from datetime import timedelta

import jwt
import pytest

from tests.sms import sms_code
from unionhub.clock import today_shanghai, utcnow
from unionhub.db import conn
from unionhub.identity.accounts import id_number_index, phone_index
from unionhub.identity.models import AuditLog, IdentityConflict, Member, RefreshToken
from unionhub.identity.privacy import CURRENT as _NOTICE
from unionhub.settings import get_settings

REGISTER = """mutation Register($input: RegisterInput!) {
  register(input: $input) { accessToken refreshToken member { id tier } errors { code field message } }
}"""
LOGIN = """mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken refreshToken member { id } errors { code field message } }
}"""
REFRESH = """mutation Refresh($input: RefreshTokenInput!) {
  refreshToken(input: $input) { accessToken refreshToken member { id } errors { code field message } }
}"""
VERIFY = """mutation Verify($input: VerifyIdentityInput!) {
  verifyIdentity(input: $input) { member { id name idNumber tier } errors { code field message } }
}"""
ME = "query Me { me { id phone } }"
PASSWORD = "correct-horse-1"

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

CONSENT = _NOTICE.version  # verifyIdentity records consent to the current notice


def with_check(first17: str) -> str:
    """ISO 7064 MOD 11-2, written out here from the standard (not imported from the code
    under test) so that a wrong table in the code cannot agree with itself."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


async def register(gql, phone: str, password: str = PASSWORD, code: str | None = None) -> dict:
    """`register` as the app does it: a REGISTER code first (sandbox), then the account. A
    malformed phone gets no code, so it is sent with a made-up one."""
    if code is None:
        well_formed = re.fullmatch(r"1[3-9]\d{9}", phone.strip())
        code = await sms_code(gql, phone.strip()) if well_formed else "000000"
    r = await gql(REGISTER, {"input": {"phone": phone, "password": password, "smsCode": code}})
    assert r.errors == []
    return r.data["register"]


async def member_count() -> int:
    return await Member.all().count()


# --- register ---------------------------------------------------------------------------------

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


# --- login ------------------------------------------------------------------------------------

async def test_login_returns_a_working_token_pair(gql, factory):
    await factory.tree()
    reg = await register(gql, "13812345678")
    out = await gql(LOGIN, {"input": {"phone": "13812345678", "password": PASSWORD}})
    login = out.data["login"]
    assert login["errors"] == [] and login["member"]["id"] == reg["member"]["id"]
    me = await gql(ME, token=login["accessToken"])
    assert me.errors == [] and me.data["me"]["phone"] == "13812345678"


async def test_wrong_password_and_unknown_phone_answer_exactly_alike(gql, factory):
    await factory.tree()
    await register(gql, "13812345678")
    wrong_password = await gql(LOGIN, {"input": {"phone": "13812345678", "password": "nope-nope"}})
    unknown_phone = await gql(LOGIN, {"input": {"phone": "13987654321", "password": PASSWORD}})
    malformed = await gql(LOGIN, {"input": {"phone": "12345", "password": PASSWORD}})
    overlong = await gql(LOGIN, {"input": {"phone": "13812345678", "password": "p" * 100_000}})
    answers = [r.data["login"] for r in (wrong_password, unknown_phone, malformed, overlong)]
    assert answers[0] == answers[1] == answers[2] == answers[3]
    assert answers[0]["accessToken"] is None and answers[0]["refreshToken"] is None
    error = answers[0]["errors"]
    assert len(error) == 1 and error[0]["code"] == "INVALID_CREDENTIALS"
    assert error[0]["field"] is None  # no hint which part was wrong
    assert "13812345678" not in error[0]["message"]


# --- access tokens ----------------------------------------------------------------------------

def _claims(member_id: int, **overrides) -> dict:
    now = int(time.time())
    claims = {"sub": str(member_id), "role": "MEMBER", "iat": now, "exp": now + 600,
              "aud": "unionhub", "typ": "access"}
    claims.update(overrides)
    return claims


def _tamper(token: str) -> str:
    """Swap the payload for one claiming ADMIN, keeping the original signature."""
    header, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["role"] = "ADMIN"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


async def _me_with(gql, token: str):
    r = await gql(ME, token=token)
    assert r.data.get("me") is None
    assert r.error_codes() == ["UNAUTHENTICATED"]
    return r.errors[0]["extensions"]


async def test_an_expired_access_token_is_unauthenticated_with_a_reason(gql, factory):
    account = await factory.account()
    secret = get_settings().jwt_secret
    expired = jwt.encode(_claims(account.member.id, iat=int(time.time()) - 1000,
                                 exp=int(time.time()) - 10), secret, algorithm="HS256")
    assert (await _me_with(gql, expired))["reason"] == "TOKEN_EXPIRED"
    # The same token, not yet expired, works: the expiry alone made the difference.
    fresh = jwt.encode(_claims(account.member.id), secret, algorithm="HS256")
    ok = await gql(ME, token=fresh)
    assert ok.errors == [] and ok.data["me"]["id"] == account.id


async def test_a_tampered_access_token_is_unauthenticated(gql, factory):
    account = await factory.account()
    assert (await _me_with(gql, _tamper(account.token)))["reason"] == "TOKEN_INVALID"


async def test_a_token_signed_with_another_key_is_unauthenticated(gql, factory):
    account = await factory.account()
    foreign = jwt.encode(_claims(account.member.id), "not-our-secret-" * 3, algorithm="HS256")
    assert (await _me_with(gql, foreign))["reason"] == "TOKEN_INVALID"


@pytest.mark.parametrize("claims", [
    {"alg_none": True},
    {"aud": "someone-else"},
    {"typ": "refresh"},
    {"exp": None},
    {"role": "EMPEROR"},
    {"sub": "not-a-number"},
    {"role": "CADRE", "scope": ["/1/"], "org": 1},
])
async def test_malformed_access_tokens_are_unauthenticated(gql, factory, claims):
    account = await factory.account()
    secret = get_settings().jwt_secret
    if claims.pop("alg_none", False):
        token = jwt.encode(_claims(account.member.id, role="ADMIN"), None, algorithm="none")
    else:
        body = {k: v for k, v in _claims(account.member.id, **claims).items() if v is not None}
        token = jwt.encode(body, secret, algorithm="HS256")
    assert (await _me_with(gql, token))["reason"] == "TOKEN_INVALID"


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "garbage", "Bearer a.b.c"])
async def test_malformed_authorization_headers_are_unauthenticated(http, factory, header):
    await factory.tree()
    r = await http.post("/graphql", json={"query": ME}, headers={"Authorization": header})
    body = r.json()
    assert body["data"]["me"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["errors"][0]["extensions"]["reason"] == "TOKEN_INVALID"


async def test_no_token_is_unauthenticated_without_a_reason(gql, factory):
    await factory.tree()
    r = await gql(ME)
    assert r.error_codes() == ["UNAUTHENTICATED"]
    assert "reason" not in r.errors[0]["extensions"]


# --- refresh tokens ---------------------------------------------------------------------------

async def _login(gql) -> dict:
    out = await gql(LOGIN, {"input": {"phone": "13812345678", "password": PASSWORD}})
    assert out.data["login"]["errors"] == []
    return out.data["login"]


async def _refresh(gql, token: str) -> dict:
    r = await gql(REFRESH, {"input": {"refreshToken": token}})
    assert r.errors == []
    return r.data["refreshToken"]


async def test_refresh_rotates_the_pair_and_spends_the_old_token(gql, factory):
    await factory.tree()
    await register(gql, "13812345678")
    first = await _login(gql)
    second = await _refresh(gql, first["refreshToken"])
    assert second["errors"] == []
    assert second["refreshToken"] != first["refreshToken"]
    assert second["accessToken"] and second["member"]["id"] == first["member"]["id"]
    me = await gql(ME, token=second["accessToken"])
    assert me.errors == [] and me.data["me"]["id"] == first["member"]["id"]
    third = await _refresh(gql, second["refreshToken"])
    assert third["errors"] == [] and third["refreshToken"] not in (first["refreshToken"],
                                                                  second["refreshToken"])
    # Only hashes are stored.
    stored = [t.token_hash for t in await RefreshToken.all()]
    assert not {first["refreshToken"], second["refreshToken"], third["refreshToken"]} & set(stored)


async def test_reusing_a_spent_refresh_token_revokes_the_whole_family(gql, factory):
    await factory.tree()
    await register(gql, "13812345678")
    other_device = await _login(gql)  # another family: must survive
    first = await _login(gql)
    second = await _refresh(gql, first["refreshToken"])
    third = await _refresh(gql, second["refreshToken"])  # the newest of the family

    replay = await _refresh(gql, first["refreshToken"])
    assert replay["accessToken"] is None
    assert [e["code"] for e in replay["errors"]] == ["TOKEN_REUSED"]

    newest = await _refresh(gql, third["refreshToken"])
    assert newest["accessToken"] is None
    assert [e["code"] for e in newest["errors"]] == ["TOKEN_REVOKED"]
    assert await AuditLog.filter(action="auth.refresh_token.reused").count() == 1

    survivor = await _refresh(gql, other_device["refreshToken"])
    assert survivor["errors"] == []


async def test_concurrent_refreshes_of_one_token_all_get_the_same_new_pair(gql, factory):
    # Two app tabs (here six) refreshing at once: within the grace window every one of them
    # gets the pair the first rotation issued, and the session survives (issue 16, point 5).
    await factory.tree()
    await register(gql, "13812345678")
    session = await _login(gql)
    results = await asyncio.gather(*(_refresh(gql, session["refreshToken"]) for _ in range(6)))
    assert [r["errors"] for r in results] == [[]] * 6
    assert len({(r["accessToken"], r["refreshToken"]) for r in results}) == 1
    import hashlib

    presented = await RefreshToken.get(
        token_hash=hashlib.sha256(session["refreshToken"].encode()).hexdigest())
    family = RefreshToken.filter(family=presented.family)
    assert await family.count() == 2  # the presented token and one successor: no other issued
    assert await family.filter(revoked_at=None).count() == 2
    after = await _refresh(gql, results[0]["refreshToken"])
    assert after["errors"] == [] and after["accessToken"]


async def test_refresh_works_while_the_access_token_has_expired(gql, factory):
    await factory.tree()
    await register(gql, "13812345678")
    session = await _login(gql)
    expired = jwt.encode(_claims(int(session["member"]["id"]), iat=int(time.time()) - 1000,
                                 exp=int(time.time()) - 10), get_settings().jwt_secret,
                         algorithm="HS256")
    r = await gql(REFRESH, {"input": {"refreshToken": session["refreshToken"]}}, token=expired)
    assert r.errors == [] and r.data["refreshToken"]["errors"] == []
    assert r.data["refreshToken"]["accessToken"]


async def test_unknown_and_expired_refresh_tokens_are_refused(gql, factory):
    await factory.tree()
    await register(gql, "13812345678")
    unknown = await _refresh(gql, "not-a-token-we-issued")
    assert [e["code"] for e in unknown["errors"]] == ["TOKEN_INVALID"]

    session = await _login(gql)
    await RefreshToken.all().update(expires_at=utcnow() - timedelta(seconds=1))
    expired = await _refresh(gql, session["refreshToken"])
    assert [e["code"] for e in expired["errors"]] == ["TOKEN_EXPIRED"]
    assert expired["accessToken"] is None


# --- verifyIdentity ---------------------------------------------------------------------------

def _birth_years_ago(years: int, days_offset: int = 0) -> str:
    today = today_shanghai()
    try:
        birth = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        birth = today.replace(year=today.year - years, day=28)
    return f"{birth + timedelta(days=days_offset):%Y%m%d}"


VALID_ID = "11010519491231002X"


async def _member_snapshot(member_id: int) -> tuple:
    m = await Member.get(id=member_id)
    return (m.name_enc, m.id_number_enc, m.id_number_bidx, m.verified_at, m.union_id,
            m.display_name, m.phone_enc, m.updated_at)


async def _new_member(gql) -> tuple[str, int]:
    out = await register(gql, "13812345678")
    return out["accessToken"], int(out["member"]["id"])


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


# --- personal data at rest --------------------------------------------------------------------

async def test_members_table_holds_no_plaintext_personal_data(gql, factory):
    await factory.tree()
    phone, name = "13812345678", "张三丰"  # a pair of the sandbox's demo table
    token, member_id = await _new_member(gql)
    await gql(VERIFY, {"input": {"name": name, "idNumber": VALID_ID, "consentVersion": CONSENT}}, token=token)
    await gql(ME, token=token)  # fills the member cache

    rows = await conn().execute_query_dict(f"SELECT * FROM members WHERE id = {member_id:d}")
    assert len(rows) == 1
    raw = json.dumps(rows, default=str, ensure_ascii=False)
    for secret in (phone, phone[-8:], name, VALID_ID, VALID_ID[6:14], VALID_ID.lower()):
        assert secret not in raw
    row = rows[0]
    from unionhub.crypto.keyring import keyring

    key_id = keyring().current.id  # every value names the key that made it
    for column in ("phone_enc", "name_enc", "id_number_enc", "phone_bidx", "id_number_bidx"):
        assert row[column].startswith(f"{key_id}:")
    # Neither does the cache: it keeps ciphertexts and masked forms.
    from unionhub.cache import get_redis
    from unionhub.identity import lookup

    cached = await get_redis().get(lookup._KEY.format(member_id))
    assert cached is not None
    cached_text = cached if isinstance(cached, str) else cached.decode()
    for secret in (phone, name, VALID_ID):
        assert secret not in cached_text
    # Nor the audit log or refresh tokens.
    for table in ("audit_log", "refresh_tokens"):
        dump = json.dumps(await conn().execute_query_dict(f"SELECT * FROM {table}"),
                          default=str, ensure_ascii=False)
        for secret in (phone, name, VALID_ID):
            assert secret not in dump


async def test_blind_indexes_find_the_member(gql, factory):
    tree = await factory.tree()
    account = await factory.account(tree.grassroots["A"][0])
    # Domain level: an exact-match lookup with no decryption.
    found = await Member.get(phone_bidx=phone_index(account.phone))
    assert found.id == account.member.id
    found = await Member.get(id_number_bidx=id_number_index(account.id_number))
    assert found.id == account.member.id
    # Through the API: a cadre's member search by phone or ID number.
    cadre = await factory.cadre(tree.counties["A"])
    query = """query S($u: ID!, $s: String!) { members(unionId: $u, search: $s) {
      edges { node { id } } } }"""
    for term in (account.phone, account.id_number, account.id_number.lower()):
        r = await gql(query, {"u": str(tree.counties["A"].id), "s": term}, token=cadre.token)
        assert r.errors == []
        assert [e["node"]["id"] for e in r.data["members"]["edges"]] == [account.id]
    # The index is keyed: a plain SHA-256 of the phone is not what is stored.
    import hashlib

    assert found.phone_bidx != hashlib.sha256(account.phone.encode()).hexdigest()


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


# --- the encryption itself --------------------------------------------------------------------

@pytest.fixture
def other_keys(monkeypatch):
    """Switch the data and blind-index keys (as the environment would), then restore them."""
    from unionhub.settings import reset_settings_cache

    def switch() -> None:
        monkeypatch.setenv("UNIONHUB_DATA_KEY", base64.b64encode(b"k" * 32).decode())
        monkeypatch.setenv("UNIONHUB_BLIND_INDEX_KEY", "another-blind-index-key")
        reset_settings_cache()

    yield switch
    monkeypatch.undo()
    reset_settings_cache()


def test_ciphertexts_are_bound_to_their_key_and_purpose(other_keys):
    from unionhub.crypto.suites import DecryptionFailed as InvalidTag
    from unionhub.identity.crypto import blind_index, decrypt, encrypt

    sealed = encrypt(VALID_ID, "id_number")
    assert decrypt(sealed, "id_number") == VALID_ID
    assert encrypt(VALID_ID, "id_number") != sealed  # a fresh nonce every time
    with pytest.raises(InvalidTag):
        decrypt(sealed, "phone")  # pasted into another column
    version, _, body = sealed.partition(":")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(InvalidTag):
        decrypt(f"{version}:{base64.b64encode(bytes(raw)).decode()}", "id_number")
    index = blind_index(VALID_ID, "id_number")
    assert index == blind_index(VALID_ID.lower(), "id_number")
    assert index != blind_index(VALID_ID, "phone")

    other_keys()  # the keys come from the environment
    with pytest.raises(InvalidTag):
        decrypt(sealed, "id_number")
    assert blind_index(VALID_ID, "id_number") != index


# --- readiness, and sign-in while Redis is down -----------------------------------------------

async def test_ready_fails_and_sign_in_still_works_while_redis_is_unreachable(
        gql, http, factory, monkeypatch):
    import redis.asyncio as redis

    from unionhub import cache

    await factory.tree()
    await register(gql, "13812345678")
    # A real client to a port nothing listens on: every command fails as when Redis is down.
    down = redis.Redis.from_url("redis://127.0.0.1:1/0", decode_responses=True,
                                socket_connect_timeout=0.5, socket_timeout=0.5)
    monkeypatch.setattr(cache, "_client", down)
    try:
        ready = await http.get("/ready")
        assert ready.status_code == 503
        body = ready.json()
        assert body["status"] == "unavailable" and body["database"] == "ok"
        assert body["redis"].startswith("unavailable")
        session = await _login(gql)
        me = await gql(ME, token=session["accessToken"])
        assert me.errors == [] and me.data["me"]["phone"] == "13812345678"
    finally:
        await down.aclose()
