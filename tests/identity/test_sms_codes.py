"""Phones proven by SMS code, through GraphQL with the sandbox provider: sign-up, SMS sign-in,
password reset and phone change; the code's lifetime, tries and hash; the send limits; bad
input answered with a specific code and nothing changed; concurrency held by the database."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from tests.identity.phone_flows import CHANGE, PASSWORD, PHONE, RESET, codes, sign_up
from tests.sms import REGISTER, REQUEST_CODE, a_minute_passes, register, sms_code
from unionhub.cache import get_redis
from unionhub.clock import utcnow
from unionhub.errors import ValidationFailed
from unionhub.identity.accounts import phone_index
from unionhub.identity.models import AuditLog, Member, RefreshToken, SandboxSms, SmsCode
from unionhub.identity.sms_codes import request_code
from unionhub.identity.sms_providers.sandbox import latest_live_code
from unionhub.settings import reset_settings_cache

LOGIN = """mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken refreshToken errors { code } } }"""
LOGIN_BY_SMS = """mutation LoginBySms($input: LoginBySmsInput!) {
  loginBySms(input: $input) { accessToken refreshToken member { id } errors { code field message } } }"""
REFRESH = """mutation Refresh($input: RefreshTokenInput!) {
  refreshToken(input: $input) { accessToken errors { code } } }"""


async def ask(gql, phone: str = PHONE, purpose: str = "REGISTER") -> dict:
    r = await gql(REQUEST_CODE, {"input": {"phone": phone, "purpose": purpose}})
    assert r.errors == []
    return r.data["requestSmsCode"]


# --- sign-up ----------------------------------------------------------------------------------

async def test_sign_up_with_the_sandbox_code(gql, factory):
    await factory.tree()
    sent = await ask(gql)
    assert sent == {"retryAfterSeconds": 60, "errors": []}
    code, purpose = await latest_live_code(PHONE)
    assert purpose.value == "REGISTER"
    out = await gql(REGISTER, {"input": {"phone": PHONE, "password": PASSWORD, "smsCode": code}})
    assert out.data["register"]["errors"] == [] and out.data["register"]["member"]["tier"] == "MEMBER"
    assert await latest_live_code(PHONE) is None  # used up
    # Used once only: the same code does not make a second account or sign in.
    again = await gql(REGISTER, {"input": {"phone": PHONE, "password": PASSWORD, "smsCode": code}})
    assert codes(again.data["register"]) == ["SMS_CODE_INVALID"]


@pytest.mark.parametrize("code", ["", "123", "abcdef", "1234567", "000000"])
async def test_sign_up_without_the_right_code_changes_nothing(gql, factory, code):
    await factory.tree()
    await ask(gql)
    out = await gql(REGISTER, {"input": {"phone": PHONE, "password": PASSWORD, "smsCode": code}})
    real, _ = await latest_live_code(PHONE)
    if code == real:  # one in a million: the made-up code is the real one
        return
    assert [(e["code"], e["field"]) for e in out.data["register"]["errors"]] == [
        ("SMS_CODE_INVALID", "smsCode")]
    assert await Member.all().count() == 0


async def test_sign_up_of_a_taken_phone_is_said_only_to_its_holder(gql, factory):
    await factory.tree()
    await sign_up(gql)
    stranger = await gql(REGISTER, {"input": {"phone": PHONE, "password": "other-password",
                                              "smsCode": "123456"}})
    assert codes(stranger.data["register"]) == ["SMS_CODE_INVALID"]  # no oracle
    holder = await register(gql, PHONE, "other-password")
    assert codes(holder) == ["PHONE_TAKEN"]
    assert await Member.filter(phone_bidx=phone_index(PHONE)).count() == 1


@pytest.fixture
def no_captcha(monkeypatch):
    """Codes without a captcha all day (tests/identity/test_sms_captcha.py covers it)."""
    monkeypatch.setenv("UNIONHUB_SMS_CODES_BEFORE_CAPTCHA", "10")
    reset_settings_cache()
    yield
    monkeypatch.undo()
    reset_settings_cache()


async def test_the_answer_is_the_same_for_registered_and_unregistered_phones(gql, factory,
                                                                             no_captcha):
    await factory.tree()
    await sign_up(gql, "13800000001")
    for purpose in ("REGISTER", "LOGIN", "RESET_PASSWORD", "CHANGE_PHONE"):
        await a_minute_passes("13800000001")
        await a_minute_passes("13800000002")
        known = await ask(gql, "13800000001", purpose)
        unknown = await ask(gql, "13800000002", purpose)
        assert known == unknown == {"retryAfterSeconds": 60, "errors": []}
    # Both phones were texted every time: what differs reaches only the phone's holder.
    for phone in ("13800000001", "13800000002"):
        assert await SandboxSms.filter(phone_bidx=phone_index(phone)).count() >= 4


# --- the code ---------------------------------------------------------------------------------

async def test_codes_are_kept_only_as_keyed_hashes(gql, factory):
    await factory.tree()
    await ask(gql)
    code, _ = await latest_live_code(PHONE)
    row = await SmsCode.get()
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert PHONE not in row.phone_bidx
    message = await SandboxSms.get()
    assert code not in message.code_enc and message.code_enc.startswith("v1:")


async def test_an_expired_code_is_refused(gql, factory):
    await factory.tree()
    await ask(gql)
    code, _ = await latest_live_code(PHONE)
    await SmsCode.all().update(expires_at=utcnow() - timedelta(seconds=1))  # 5 minutes later
    out = await gql(REGISTER, {"input": {"phone": PHONE, "password": PASSWORD, "smsCode": code}})
    assert codes(out.data["register"]) == ["SMS_CODE_EXPIRED"]
    assert await Member.all().count() == 0 and await latest_live_code(PHONE) is None


async def test_five_tries_then_even_the_right_code_is_refused(gql, factory):
    await factory.tree()
    await ask(gql)
    code, _ = await latest_live_code(PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    attempt = {"input": {"phone": PHONE, "password": PASSWORD, "smsCode": wrong}}
    results = [codes((await gql(REGISTER, attempt)).data["register"]) for _ in range(5)]
    assert results == [["SMS_CODE_INVALID"]] * 5
    right = await gql(REGISTER, {"input": {"phone": PHONE, "password": PASSWORD, "smsCode": code}})
    assert codes(right.data["register"]) == ["SMS_CODE_TRIES_EXHAUSTED"]
    assert await Member.all().count() == 0


async def test_the_tries_and_the_code_survive_a_redis_flush(gql, factory):
    await factory.tree()
    await ask(gql)
    code, _ = await latest_live_code(PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(4):
        await gql(REGISTER, {"input": {"phone": PHONE, "password": PASSWORD, "smsCode": wrong}})
    await get_redis().flushdb()
    assert codes(await ask(gql)) == ["SMS_RESEND_TOO_SOON"]  # the send window survives too
    await gql(REGISTER, {"input": {"phone": PHONE, "password": PASSWORD, "smsCode": wrong}})
    right = await gql(REGISTER, {"input": {"phone": PHONE, "password": PASSWORD, "smsCode": code}})
    assert codes(right.data["register"]) == ["SMS_CODE_TRIES_EXHAUSTED"]


async def test_a_code_serves_only_its_purpose_and_only_the_newest_counts(gql, factory):
    await factory.tree()
    await sign_up(gql)
    login_code = await sms_code(gql, PHONE, "LOGIN")
    reset = await gql(RESET, {"input": {"phone": PHONE, "smsCode": login_code,
                                        "newPassword": "new-password-1"}})
    assert codes(reset.data["resetPassword"]) == ["SMS_CODE_INVALID"]
    newer = await sms_code(gql, PHONE, "LOGIN")
    if newer != login_code:
        old = await gql(LOGIN_BY_SMS, {"input": {"phone": PHONE, "smsCode": login_code}})
        assert codes(old.data["loginBySms"]) == ["SMS_CODE_INVALID"]
    ok = await gql(LOGIN_BY_SMS, {"input": {"phone": PHONE, "smsCode": newer}})
    assert ok.data["loginBySms"]["errors"] == []


# --- sending limits ---------------------------------------------------------------------------

async def test_a_second_code_within_a_minute_is_refused_with_the_wait(gql, factory):
    await factory.tree()
    await ask(gql)
    again = await ask(gql, purpose="LOGIN")  # any purpose: the window is the phone's
    (error,) = again["errors"]
    assert error["code"] == "SMS_RESEND_TOO_SOON" and 0 < error["retryAfterSeconds"] <= 60
    assert await SmsCode.all().count() == 1 and await SandboxSms.all().count() == 1


@pytest.fixture
def low_caps(monkeypatch):
    monkeypatch.setenv("UNIONHUB_SMS_CODES_PER_PHONE_PER_DAY", "3")
    monkeypatch.setenv("UNIONHUB_SMS_CODES_PER_IP_PER_DAY", "5")
    reset_settings_cache()
    yield
    monkeypatch.undo()
    reset_settings_cache()


async def test_the_daily_cap_per_phone(gql, factory, low_caps):
    await factory.tree()
    for _ in range(3):
        await a_minute_passes(PHONE)
        assert (await ask(gql))["errors"] == []
    await a_minute_passes(PHONE)
    (error,) = (await ask(gql))["errors"]
    assert error["code"] == "SMS_DAILY_LIMIT" and 0 < error["retryAfterSeconds"] <= 24 * 3600
    assert await SmsCode.all().count() == 3


async def test_the_daily_cap_per_client_address(gql, factory, low_caps):
    await factory.tree()
    results = [codes(await ask(gql, f"1380000000{i}")) for i in range(6)]
    assert results == [[]] * 5 + [["RATE_LIMITED"]]
    assert await SmsCode.all().count() == 5


async def test_a_full_width_phone_is_the_same_phone(gql, factory):
    # "13８12345678" (a full-width 8, as a Chinese IME types it) shares the ASCII number's send
    # window, budget and account; other scripts' digits are refused.
    await factory.tree()
    await sign_up(gql)
    variant = PHONE.replace("8", "\uff18")
    await ask(gql, PHONE, "LOGIN")
    assert codes(await ask(gql, variant, "LOGIN")) == ["SMS_RESEND_TOO_SOON"]
    assert codes(await ask(gql, PHONE.replace("8", "\u0668"), "LOGIN")) == ["PHONE_FORMAT"]
    code = await sms_code(gql, PHONE)  # sent to the ASCII number, good for the variant
    taken = await gql(REGISTER, {"input": {"phone": variant, "password": "other-password",
                                           "smsCode": code}})
    assert codes(taken.data["register"]) == ["PHONE_TAKEN"]
    code = await sms_code(gql, PHONE, "LOGIN")
    out = await gql(LOGIN_BY_SMS, {"input": {"phone": variant, "smsCode": code}})
    assert out.data["loginBySms"]["errors"] == []
    assert await Member.all().count() == 1


async def test_a_full_width_code_is_the_same_code(gql, factory):
    # The code box, typed with a Chinese IME in full-width mode, gives "１２３４５６": the same
    # code, as a full-width phone is the same phone. Other scripts' digits and superscripts
    # cannot be anyone's code: refused without spending a try.
    await factory.tree()
    await sign_up(gql)
    code = await sms_code(gql, PHONE, "LOGIN")
    for other in ("\u0661\u0662\u0663\u0664\u0665\u0666", "\u00b2" * 6, "\u096e" * 6):
        out = await gql(LOGIN_BY_SMS, {"input": {"phone": PHONE, "smsCode": other}})
        assert codes(out.data["loginBySms"]) == ["SMS_CODE_INVALID"]
    assert [row.attempts for row in await SmsCode.all().order_by("-id").limit(1)] == [0]
    full_width = "".join(chr(0xFF10 + int(d)) for d in code)
    out = await gql(LOGIN_BY_SMS, {"input": {"phone": PHONE, "smsCode": f" {full_width}\u3000"}})
    assert out.data["loginBySms"]["errors"] == [] and out.data["loginBySms"]["accessToken"]


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "+8613812345678", "", "1381234567a",
                                   "13\u096e12345678"])
async def test_a_phone_that_is_not_a_mainland_mobile_number(gql, factory, phone):
    out = await ask(gql, phone)
    assert [(e["code"], e["field"]) for e in out["errors"]] == [("PHONE_FORMAT", "phone")]
    assert await SmsCode.all().count() == 0 and await SandboxSms.all().count() == 0


async def test_an_unknown_purpose_is_refused_before_anything_runs(gql, factory):
    """`purpose` is the SmsPurpose enum: GraphQL refuses another value while coercing the
    variables (graphql-core's error, which carries no extensions.code yet), before any
    resolver; the domain refuses one with SMS_PURPOSE_UNKNOWN for other callers."""
    r = await gql(REQUEST_CODE, {"input": {"phone": PHONE, "purpose": "UNLOCK_EVERYTHING"}})
    assert r.data in ({}, None) and len(r.errors) == 1
    assert "purpose" in r.errors[0]["message"] and "SmsPurpose" in r.errors[0]["message"]
    with pytest.raises(ValidationFailed) as refused:
        await request_code(PHONE, "UNLOCK_EVERYTHING")
    assert (refused.value.code, refused.value.field) == ("SMS_PURPOSE_UNKNOWN", "purpose")
    assert await SmsCode.all().count() == 0 and await SandboxSms.all().count() == 0


async def test_concurrent_requests_for_one_phone_send_one_code(gql, factory):
    await factory.tree()
    results = await asyncio.gather(*(ask(gql) for _ in range(8)))
    assert sorted(len(r["errors"]) for r in results) == [0] + [1] * 7
    assert {e["code"] for r in results for e in r["errors"]} == {"SMS_RESEND_TOO_SOON"}
    assert await SmsCode.all().count() == 1 and await SandboxSms.all().count() == 1


async def test_a_concurrent_burst_of_guesses_gets_the_codes_tries_only(gql, factory):
    """Each try is spent by one conditional UPDATE (`attempts < max`) before its code is
    compared, so a burst has five guesses checked, not thirty (a read of the count and a
    write after the check would let every concurrent guess through)."""
    await ask(gql, purpose="LOGIN")  # no account needed: the code is checked first
    code, _ = await latest_live_code(PHONE)
    guesses = [f"{(int(code) + i) % 1_000_000:06d}" for i in range(1, 31)]
    results = await asyncio.gather(*(
        gql(LOGIN_BY_SMS, {"input": {"phone": PHONE, "smsCode": g}}) for g in guesses))
    # All wrong: the five checked and the 25 past the tries alike (a code out of tries is
    # said so only to whoever types it right), and only five tries were spent.
    tally = sorted(tuple(codes(r.data["loginBySms"])) for r in results)
    assert tally == [("SMS_CODE_INVALID",)] * 30
    assert [row.attempts for row in await SmsCode.all()] == [5]
    right = await gql(LOGIN_BY_SMS, {"input": {"phone": PHONE, "smsCode": code}})
    assert codes(right.data["loginBySms"]) == ["SMS_CODE_TRIES_EXHAUSTED"]


# --- SMS sign-in, password reset, phone change -----------------------------------------------

async def test_sign_in_by_sms(gql, factory):
    await factory.tree()
    member = await sign_up(gql)
    code = await sms_code(gql, PHONE, "LOGIN")
    out = (await gql(LOGIN_BY_SMS, {"input": {"phone": PHONE, "smsCode": code}})).data["loginBySms"]
    assert out["errors"] == [] and out["member"]["id"] == member["member"]["id"]
    me = await gql("{ me { id } }", token=out["accessToken"])
    assert me.data["me"]["id"] == member["member"]["id"]


async def test_sms_sign_in_without_an_account_says_so_only_to_the_phones_holder(gql, factory):
    await factory.tree()
    stranger = await gql(LOGIN_BY_SMS, {"input": {"phone": PHONE, "smsCode": "123456"}})
    assert codes(stranger.data["loginBySms"]) == ["SMS_CODE_INVALID"]
    code = await sms_code(gql, PHONE, "LOGIN")
    holder = await gql(LOGIN_BY_SMS, {"input": {"phone": PHONE, "smsCode": code}})
    assert codes(holder.data["loginBySms"]) == ["PHONE_NOT_REGISTERED"]
    assert await RefreshToken.all().count() == 0


async def test_concurrent_sign_ins_with_one_code_make_one_session(gql, factory):
    await factory.tree()
    await sign_up(gql)
    before = await RefreshToken.all().count()
    code = await sms_code(gql, PHONE, "LOGIN")
    results = await asyncio.gather(*(
        gql(LOGIN_BY_SMS, {"input": {"phone": PHONE, "smsCode": code}}) for _ in range(5)))
    outcomes = sorted(codes(r.data["loginBySms"]) for r in results)
    assert outcomes == [[]] + [["SMS_CODE_INVALID"]] * 4
    assert await RefreshToken.all().count() == before + 1


async def test_password_reset_ends_every_session(gql, factory):
    await factory.tree()
    member = await sign_up(gql)
    other_device = (await gql(LOGIN, {"input": {"phone": PHONE, "password": PASSWORD}})).data["login"]
    code = await sms_code(gql, PHONE, "RESET_PASSWORD")
    out = await gql(RESET, {"input": {"phone": PHONE, "smsCode": code,
                                      "newPassword": "brand-new-pass"}})
    assert out.data["resetPassword"]["errors"] == [] and out.data["resetPassword"]["accessToken"]
    for old in (member["refreshToken"], other_device["refreshToken"]):
        refused = await gql(REFRESH, {"input": {"refreshToken": old}})
        assert codes(refused.data["refreshToken"]) == ["TOKEN_REVOKED"]
    new = await gql(REFRESH, {"input": {"refreshToken": out.data["resetPassword"]["refreshToken"]}})
    assert new.data["refreshToken"]["errors"] == []
    old_password = await gql(LOGIN, {"input": {"phone": PHONE, "password": PASSWORD}})
    assert codes(old_password.data["login"]) == ["INVALID_CREDENTIALS"]
    new_password = await gql(LOGIN, {"input": {"phone": PHONE, "password": "brand-new-pass"}})
    assert new_password.data["login"]["errors"] == []
    assert await AuditLog.filter(action="identity.password.reset").count() == 1


async def test_a_bad_new_password_spends_no_code_and_changes_nothing(gql, factory):
    await factory.tree()
    await sign_up(gql)
    code = await sms_code(gql, PHONE, "RESET_PASSWORD")
    hash_before = (await Member.get()).password_hash
    out = await gql(RESET, {"input": {"phone": PHONE, "smsCode": code, "newPassword": "short"}})
    assert codes(out.data["resetPassword"]) == ["PASSWORD_LENGTH"]
    assert (await Member.get()).password_hash == hash_before
    assert (await SmsCode.get(purpose="RESET_PASSWORD")).attempts == 0


async def test_change_phone_moves_the_account_and_ends_its_sessions(gql, factory):
    await factory.tree()
    member = await sign_up(gql)
    token = member["accessToken"]
    code = await sms_code(gql, "13900001111", "CHANGE_PHONE")
    out = await gql(CHANGE, {"input": {"newPhone": "13900001111", "smsCode": code,
                               "password": PASSWORD}}, token=token)
    assert out.data["changePhone"]["errors"] == []
    assert out.data["changePhone"]["member"]["phone"] == "13900001111"
    refused = await gql(REFRESH, {"input": {"refreshToken": member["refreshToken"]}})
    assert codes(refused.data["refreshToken"]) == ["TOKEN_REVOKED"]
    old = await gql(LOGIN, {"input": {"phone": PHONE, "password": PASSWORD}})
    assert codes(old.data["login"]) == ["INVALID_CREDENTIALS"]
    new = await gql(LOGIN, {"input": {"phone": "13900001111", "password": PASSWORD}})
    assert new.data["login"]["errors"] == []
    assert await AuditLog.filter(action="identity.phone.change").count() == 1


async def test_change_to_a_taken_phone_or_the_same_phone_changes_nothing(gql, factory):
    await factory.tree()
    member = await sign_up(gql)
    await sign_up(gql, "13900001111")
    token = member["accessToken"]
    code = await sms_code(gql, "13900001111", "CHANGE_PHONE")
    taken = await gql(CHANGE, {"input": {"newPhone": "13900001111", "smsCode": code,
                                         "password": PASSWORD}}, token=token)
    assert [(e["code"], e["field"]) for e in taken.data["changePhone"]["errors"]] == [
        ("PHONE_TAKEN", "newPhone")]
    code = await sms_code(gql, PHONE, "CHANGE_PHONE")
    same = await gql(CHANGE, {"input": {"newPhone": PHONE, "smsCode": code,
                                        "password": PASSWORD}}, token=token)
    assert codes(same.data["changePhone"]) == ["PHONE_UNCHANGED"]
    me = await gql("{ me { phone } }", token=token)
    assert me.data["me"]["phone"] == PHONE
    assert (await gql(REFRESH, {"input": {"refreshToken": member["refreshToken"]}})
            ).data["refreshToken"]["errors"] == []  # the sessions are untouched


async def test_change_phone_needs_a_signed_in_member(gql, factory):
    r = await gql(CHANGE, {"input": {"newPhone": "13900001111", "smsCode": "123456"}})
    assert r.error_codes() == ["UNAUTHENTICATED"]
