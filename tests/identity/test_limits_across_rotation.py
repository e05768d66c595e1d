"""Rotating the blind-index key (`unionhub keys rotate`: the new key current, the old one
retired) must not reset the limits keyed by it: the password lockout, the per-address and
per-number counters, the phone's SMS send window. Each was keyed by the current key's hash
alone, so the moment the new key was deployed every guesser and every SMS bomber had a fresh
window. Now the counters are carried over from the retired keys while they are configured, and
stay once the retired key is removed."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.crypto.key_switch import _switch_to_a_new_key, restore_settings  # noqa: F401
from tests.sms import REQUEST_CODE, a_minute_passes, request_code, sms_code
from unionhub import ratelimit
from unionhub.errors import RateLimited
from unionhub.identity.models import SmsSendWindow
from unionhub.settings import reset_settings_cache

LOGIN_BY_SMS = """mutation L($input: LoginBySmsInput!) { loginBySms(input: $input) {
  accessToken errors { code } } }"""
LOGIN = """mutation Login($input: LoginInput!) { login(input: $input) {
  accessToken errors { code retryAfterSeconds } } }"""


def _retire_the_old_key(monkeypatch) -> None:
    """The rotation is over: the retired key is removed from the settings."""
    monkeypatch.setenv("UNIONHUB_RETIRED_KEYS", json.dumps({}))
    reset_settings_cache()


async def _login(gql, phone: str, password: str) -> list[str]:
    out = await gql(LOGIN, {"input": {"phone": phone, "password": password}})
    return [e["code"] for e in out.data["login"]["errors"]]


@pytest.mark.usefixtures("restore_settings")
async def test_a_key_rotation_gives_a_password_guesser_no_fresh_window(gql, factory,
                                                                       monkeypatch):
    member = await factory.account()
    for _ in range(5):  # UNIONHUB_LOGIN_FAILURES_PER_PAIR: the pair now waits
        assert await _login(gql, member.phone, "wrong-password") == ["INVALID_CREDENTIALS"]
    assert await _login(gql, member.phone, "wrong-password") == ["RATE_LIMITED"]

    _switch_to_a_new_key(monkeypatch)
    assert await _login(gql, member.phone, "wrong-password") == ["RATE_LIMITED"]
    _retire_the_old_key(monkeypatch)
    assert await _login(gql, member.phone, "wrong-password") == ["RATE_LIMITED"]


@pytest.mark.usefixtures("restore_settings")
async def test_a_key_rotation_keeps_the_counters_of_every_limit(factory, monkeypatch):
    await factory.tree()
    rule = ratelimit.Rule("test-rotation", 3, 600)
    for _ in range(3):
        await ratelimit.count(rule, "203.0.113.7")
        await ratelimit.count(rule, "11010519491231002X", indexed_as="id_number")
    _switch_to_a_new_key(monkeypatch)
    for subject, indexed_as in (("203.0.113.7", None), ("11010519491231002X", "id_number")):
        with pytest.raises(RateLimited):
            await ratelimit.count(rule, subject, indexed_as=indexed_as)
    _retire_the_old_key(monkeypatch)
    with pytest.raises(RateLimited):
        await ratelimit.count(rule, "203.0.113.7")
    # A reset forgets under every live key (a confirmation's success).
    await ratelimit.reset(rule, "203.0.113.7")
    assert await ratelimit.count(rule, "203.0.113.7") == 1


async def _ask(gql, phone: str) -> list[dict]:
    out = await gql(REQUEST_CODE, {"input": {"phone": phone, "purpose": "LOGIN"}})
    return out.data["requestSmsCode"]["errors"]


@pytest.mark.usefixtures("restore_settings")
async def test_a_key_rotation_keeps_the_phones_sms_window_and_its_live_code(gql, factory,
                                                                           monkeypatch):
    account = await factory.account()
    code = await sms_code(gql, account.phone, "LOGIN")  # sent under the old key
    _switch_to_a_new_key(monkeypatch)
    errors = await _ask(gql, account.phone)
    assert [e["code"] for e in errors] == ["SMS_RESEND_TOO_SOON"], errors
    assert 0 < errors[0]["retryAfterSeconds"] <= 60
    # The code sent just before the rotation still signs in.
    out = await gql(LOGIN_BY_SMS, {"input": {"phone": account.phone, "smsCode": code}})
    assert out.data["loginBySms"]["errors"] == [] and out.data["loginBySms"]["accessToken"]


@pytest.mark.usefixtures("restore_settings")
async def test_a_key_rotation_keeps_the_phones_count_of_the_day(gql, factory, monkeypatch):
    await factory.tree()
    phone = "13700000077"
    for _ in range(3):  # UNIONHUB_SMS_CODES_BEFORE_CAPTCHA: the next one needs a captcha
        await request_code(gql, phone)
        await a_minute_passes(phone)
    assert [e["code"] for e in await _ask(gql, phone)] == ["CAPTCHA_REQUIRED"]
    _switch_to_a_new_key(monkeypatch)
    assert [e["code"] for e in await _ask(gql, phone)] == ["CAPTCHA_REQUIRED"]
    _retire_the_old_key(monkeypatch)
    assert [e["code"] for e in await _ask(gql, phone)] == ["CAPTCHA_REQUIRED"]
    assert await SmsSendWindow.all().count() == 2  # the old key's row, carried to the new one


@pytest.mark.usefixtures("restore_settings")
async def test_a_burst_right_after_a_key_rotation_gets_only_what_was_left(gql, factory,
                                                                          monkeypatch):
    """Concurrent guesses arriving just after the new key is deployed all carry the old key's
    count over before counting: of the pair's five, the three spent before leave two checked,
    however many arrive at once (meaningful on PostgreSQL + Redis; runs embedded too)."""
    member = await factory.account()
    for _ in range(3):
        assert await _login(gql, member.phone, "wrong-password") == ["INVALID_CREDENTIALS"]
    _switch_to_a_new_key(monkeypatch)
    burst = await asyncio.gather(*(_login(gql, member.phone, "wrong-password")
                                   for _ in range(12)))
    assert sorted(c for codes in burst for c in codes) == (
        ["INVALID_CREDENTIALS"] * 2 + ["RATE_LIMITED"] * 10), burst
