"""Sign-in abuse: failures per phone lock it for the window, attempts per address are capped,
aliases in one request each count, and the error says when to try again."""

from __future__ import annotations

import pytest

from tests.sms import sms_code
from unionhub.settings import reset_settings_cache

LOGIN = """mutation Login($input: LoginInput!) { login(input: $input) {
  accessToken errors { code message retryAfterSeconds } } }"""
REGISTER = """mutation Register($input: RegisterInput!) { register(input: $input) {
  accessToken errors { code retryAfterSeconds } } }"""


@pytest.fixture
def limits(monkeypatch):
    monkeypatch.setenv("UNIONHUB_LOGIN_FAILURES_PER_PHONE", "3")
    monkeypatch.setenv("UNIONHUB_LOGIN_ATTEMPTS_PER_IP", "8")
    monkeypatch.setenv("UNIONHUB_REGISTER_ATTEMPTS_PER_IP", "2")
    monkeypatch.setenv("UNIONHUB_RATE_LIMIT_WINDOW_SECONDS", "600")
    reset_settings_cache()
    yield
    monkeypatch.undo()
    reset_settings_cache()


def codes(result) -> list[str]:
    return [e["code"] for e in result.data["login"]["errors"]]


async def test_failures_lock_the_phone_then_even_the_right_password_waits(gql, factory, limits):
    member = await factory.account()
    other = await factory.account()
    wrong = {"input": {"phone": member.phone, "password": "wrong-password"}}
    for _ in range(3):
        assert codes(await gql(LOGIN, wrong)) == ["INVALID_CREDENTIALS"]
    locked = await gql(LOGIN, {"input": {"phone": member.phone, "password": "demo-pass-2026"}})
    (error,) = locked.data["login"]["errors"]
    assert error["code"] == "RATE_LIMITED" and locked.data["login"]["accessToken"] is None
    assert 0 < error["retryAfterSeconds"] <= 600 and "try again in" in error["message"]
    # Another phone is not affected.
    ok = await gql(LOGIN, {"input": {"phone": other.phone, "password": "demo-pass-2026"}})
    assert ok.data["login"]["accessToken"]


async def test_unknown_phones_lock_the_same_way(gql, limits):
    attempt = {"input": {"phone": "13711112222", "password": "whatever-1"}}
    results = [codes(await gql(LOGIN, attempt)) for _ in range(4)]
    assert results == [["INVALID_CREDENTIALS"]] * 3 + [["RATE_LIMITED"]]


async def test_a_success_clears_the_failures(gql, factory, limits):
    member = await factory.account()
    wrong = {"input": {"phone": member.phone, "password": "wrong-password"}}
    right = {"input": {"phone": member.phone, "password": "demo-pass-2026"}}
    for _ in range(2):
        await gql(LOGIN, wrong)
    assert (await gql(LOGIN, right)).data["login"]["accessToken"]
    for _ in range(2):
        assert codes(await gql(LOGIN, wrong)) == ["INVALID_CREDENTIALS"]


async def test_aliases_in_one_request_each_count(gql, factory, limits):
    member = await factory.account()
    aliased = "mutation Many {" + " ".join(
        f'a{i}: login(input: {{phone: "{member.phone}", password: "nope-{i}-xx"}}) {{ errors {{ code }} }}'
        for i in range(5)) + " }"
    result = await gql(aliased)
    got = [result.data[f"a{i}"]["errors"][0]["code"] for i in range(5)]
    assert got == ["INVALID_CREDENTIALS"] * 3 + ["RATE_LIMITED"] * 2


async def test_attempts_per_address_are_capped(gql, factory, limits):
    members = [await factory.account() for _ in range(3)]
    attempts = [codes(await gql(LOGIN, {"input": {"phone": members[i % 3].phone,
                                                   "password": "demo-pass-2026"}}))
                for i in range(9)]
    assert attempts[:8] == [[]] * 8 and attempts[8] == ["RATE_LIMITED"]


async def test_registrations_per_address_are_capped_before_hashing(gql, limits):
    phones = [f"1360000000{i}" for i in range(3)]
    codes = [await sms_code(gql, phone) for phone in phones]
    results = [await gql(REGISTER, {"input": {"phone": phone, "password": "long-enough-1",
                                              "smsCode": code}})
               for phone, code in zip(phones, codes, strict=True)]
    assert [r.data["register"]["errors"] for r in results[:2]] == [[], []]
    (error,) = results[2].data["register"]["errors"]
    assert error["code"] == "RATE_LIMITED" and error["retryAfterSeconds"] > 0
