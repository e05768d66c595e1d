"""Sign-in abuse (issue 16, point 3): failures per (phone, address) make that pair wait with
exponential backoff, without locking the owner out from elsewhere; failures per phone from
many addresses (a wide attack) pause the phone's password path; attempts per address and
registrations per address are capped; aliases in one request each count; the client address
is the socket's peer, or X-Forwarded-For from a trusted gateway only; failures are audited
aggregated, so an attack cannot flood the audit log."""

from __future__ import annotations

import asyncio

import pytest
from starlette.requests import Request

from tests.sms import sms_code
from unionhub.client_address import client_address, limit_subject
from unionhub.identity.models import AuditLog
from unionhub.settings import reset_settings_cache

LOGIN = """mutation Login($input: LoginInput!) { login(input: $input) {
  accessToken errors { code message retryAfterSeconds } } }"""
REGISTER = """mutation Register($input: RegisterInput!) { register(input: $input) {
  accessToken errors { code retryAfterSeconds } } }"""
LOGIN_BY_SMS = """mutation L($input: LoginBySmsInput!) { loginBySms(input: $input) {
  accessToken errors { code } } }"""
RIGHT = "demo-pass-2026"


def _settings(monkeypatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(f"UNIONHUB_{name.upper()}", value)
    reset_settings_cache()


@pytest.fixture
def limits(monkeypatch):
    # The test client's peer is 127.0.0.1: trusted here, so X-Forwarded-For names the client.
    _settings(monkeypatch, login_attempts_per_ip="8", register_attempts_per_ip="2",
              rate_limit_window_seconds="600", trusted_proxies='["127.0.0.1"]')
    yield
    monkeypatch.undo()
    reset_settings_cache()


async def login(http, phone: str, password: str, address: str | None = None) -> dict:
    headers = {"X-Forwarded-For": address} if address else {}
    response = await http.post("/graphql", headers=headers, json={
        "query": LOGIN, "variables": {"input": {"phone": phone, "password": password}}})
    return response.json()["data"]["login"]


def codes(result: dict) -> list[str]:
    return [e["code"] for e in result["errors"]]


async def test_ten_wrong_from_one_address_then_the_right_one_from_another_signs_in(
        http, factory, limits):
    member = await factory.account()
    attacker = [codes(await login(http, member.phone, "wrong-password", "203.0.113.7"))
                for _ in range(10)]
    # Five failures, then the pair waits (the refused attempts are not even checked).
    assert attacker == [["INVALID_CREDENTIALS"]] * 5 + [["RATE_LIMITED"]] * 5
    # The attacker's address waits even with the right password ...
    assert codes(await login(http, member.phone, RIGHT, "203.0.113.7")) == ["RATE_LIMITED"]
    # ... the owner, elsewhere, signs in.
    owner = await login(http, member.phone, RIGHT, "198.51.100.20")
    assert owner["errors"] == [] and owner["accessToken"]


async def test_a_pair_waits_longer_at_each_further_failure(http, factory, limits, monkeypatch):
    _settings(monkeypatch, login_failures_per_pair="2", login_backoff_base_seconds="1")
    member = await factory.account()
    for _ in range(2):
        await login(http, member.phone, "wrong-password", "203.0.113.7")
    waits = []
    for _ in range(3):
        refused = await login(http, member.phone, RIGHT, "203.0.113.7")
        (error,) = refused["errors"]
        assert error["code"] == "RATE_LIMITED"
        waits.append(error["retryAfterSeconds"])
        if len(waits) < 3:
            await asyncio.sleep(error["retryAfterSeconds"] + 0.1)
            assert codes(await login(http, member.phone, "wrong-password", "203.0.113.7")) == [
                "INVALID_CREDENTIALS"]
    assert waits == [1, 2, 4]
    # The owner elsewhere is not held up.
    assert codes(await login(http, member.phone, RIGHT, "198.51.100.20")) == []


async def test_200_wrong_from_50_addresses_pause_the_password_path(http, gql, factory, limits):
    member = await factory.account()
    seen = set()
    for i in range(200):
        seen.update(codes(await login(http, member.phone, f"wrong-{i}-xx", f"10.0.{i % 50}.9")))
    assert seen == {"INVALID_CREDENTIALS", "RATE_LIMITED"}
    # A wide attack: the right password from a clean address waits too (SMS sign-in does not
    # go through the password lockout).
    paused = await login(http, member.phone, RIGHT, "198.51.100.20")
    (error,) = paused["errors"]
    assert error["code"] == "RATE_LIMITED" and 0 < error["retryAfterSeconds"] <= 600
    assert paused["accessToken"] is None
    # The owner still signs in by SMS code: the password lockout does not touch that path.
    by_sms = await gql(LOGIN_BY_SMS, {"input": {"phone": member.phone,
                                                "smsCode": await sms_code(gql, member.phone,
                                                                          "LOGIN")}})
    assert by_sms.data["loginBySms"]["errors"] == [] and by_sms.data["loginBySms"]["accessToken"]
    # 50 failures were counted (then the path paused): three audit rows, not 200.
    rows = await AuditLog.filter(action="auth.login.failed").order_by("id")
    assert [r.detail["failures_in_window"] for r in rows] == [1, 10, 50]
    assert rows[-1].detail["wide_attack"] is True
    assert {r.subject_id for r in rows} == {str(member.member.id)}
    # Another phone is not affected.
    other = await factory.account()
    assert codes(await login(http, other.phone, RIGHT, "198.51.100.20")) == []


async def test_unknown_phones_pause_the_same_way(http, limits, monkeypatch):
    _settings(monkeypatch, login_failures_per_phone="6")
    results = [codes(await login(http, "13711112222", "whatever-1", f"10.1.{i}.1"))
               for i in range(7)]
    assert results == [["INVALID_CREDENTIALS"]] * 6 + [["RATE_LIMITED"]]
    # The audit row names a keyed hash, never the phone.
    assert all("13711112222" not in r.subject_id
               for r in await AuditLog.filter(action="auth.login.failed"))


async def test_a_success_clears_the_pairs_failures(http, factory, limits):
    member = await factory.account()
    for _ in range(3):
        await login(http, member.phone, "wrong-password", "203.0.113.7")
    assert (await login(http, member.phone, RIGHT, "203.0.113.7"))["accessToken"]
    # Uncleared, the third of these would have been the pair's sixth failure (8 attempts in
    # all: the address's cap in this test).
    for _ in range(4):
        assert codes(await login(http, member.phone, "wrong-password", "203.0.113.7")) == [
            "INVALID_CREDENTIALS"]
    assert await AuditLog.filter(action="auth.login.succeeded",
                                 actor_id=member.member.id).count() == 1


async def test_a_full_width_phone_signs_in_and_counts_as_the_same_phone(http, factory, limits):
    member = await factory.account()
    variant = member.phone.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert codes(await login(http, variant, RIGHT, "198.51.100.20")) == []
    # Its failures are the ASCII number's: the pair waits after five, whichever form is typed.
    tried = [codes(await login(http, variant if i % 2 else member.phone, "wrong-password",
                               "203.0.113.7")) for i in range(6)]
    assert tried == [["INVALID_CREDENTIALS"]] * 5 + [["RATE_LIMITED"]]


async def test_aliases_in_one_request_each_count(gql, factory, limits):
    member = await factory.account()
    aliased = "mutation Many {" + " ".join(
        f'a{i}: login(input: {{phone: "{member.phone}", password: "nope-{i}-xx"}}) {{ errors {{ code }} }}'
        for i in range(7)) + " }"
    result = await gql(aliased)
    got = [result.data[f"a{i}"]["errors"][0]["code"] for i in range(7)]
    assert got == ["INVALID_CREDENTIALS"] * 5 + ["RATE_LIMITED"] * 2


async def test_attempts_per_address_are_capped(http, factory, limits):
    members = [await factory.account() for _ in range(3)]
    attempts = [codes(await login(http, members[i % 3].phone, RIGHT, "203.0.113.7"))
                for i in range(9)]
    assert attempts[:8] == [[]] * 8 and attempts[8] == ["RATE_LIMITED"]
    # Another address is not.
    assert codes(await login(http, members[0].phone, RIGHT, "203.0.113.8")) == []


async def test_forwarded_for_is_ignored_from_an_untrusted_peer(http, factory, limits,
                                                               monkeypatch):
    _settings(monkeypatch, trusted_proxies="[]")
    member = await factory.account()
    # Every attempt claims another address; the peer is the same: one pair, which waits.
    results = [codes(await login(http, member.phone, "wrong-password", f"10.2.{i}.1"))
               for i in range(6)]
    assert results == [["INVALID_CREDENTIALS"]] * 5 + [["RATE_LIMITED"]]


async def test_an_ipv6_client_is_limited_on_its_slash_64(http, factory, limits):
    # One /64 is one home line or host: rotating through its addresses buys nothing.
    attempts = [codes(await login(http, f"1380000{i:04d}", "wrong-password",
                                  f"2001:db8:1:2::{i + 1:x}")) for i in range(12)]
    assert attempts == [["INVALID_CREDENTIALS"]] * 8 + [["RATE_LIMITED"]] * 4
    # The next /64 is another client.
    assert codes(await login(http, "13800000001", "wrong-password", "2001:db8:1:3::1")) == [
        "INVALID_CREDENTIALS"]


async def test_an_ipv6_pair_waits_across_its_slash_64(http, factory, limits):
    member = await factory.account()
    results = [codes(await login(http, member.phone, "wrong-password", f"2001:db8:5:6::{i:x}"))
               for i in range(1, 7)]
    assert results == [["INVALID_CREDENTIALS"]] * 5 + [["RATE_LIMITED"]]


async def test_an_ipv4_mapped_address_is_its_ipv4_address(http, factory, limits):
    member = await factory.account()
    results = [codes(await login(http, member.phone, "wrong-password",
                                 "::ffff:203.0.113.9" if i % 2 else "203.0.113.9"))
               for i in range(6)]
    assert results == [["INVALID_CREDENTIALS"]] * 5 + [["RATE_LIMITED"]]


def test_limit_subjects():
    assert limit_subject("203.0.113.7") == "203.0.113.7"
    assert limit_subject("2001:db8:1:2::7") == limit_subject("2001:DB8:1:2:ffff::1") == (
        "2001:db8:1:2::/64")
    assert limit_subject("::ffff:203.0.113.7") == "203.0.113.7"
    assert limit_subject("42") == "42"  # a member id: not an address


def _request(peer: str, *forwarded: str) -> Request:
    headers = [(b"x-forwarded-for", f.encode()) for f in forwarded]
    return Request({"type": "http", "method": "POST", "path": "/graphql", "headers": headers,
                    "client": (peer, 5000), "query_string": b""})


def test_client_address_reads_forwarded_for_from_the_right(monkeypatch):
    _settings(monkeypatch, trusted_proxies='["10.9.0.0/16", "127.0.0.1"]')
    try:
        # Untrusted peer: its own address, whatever it claims.
        assert client_address(_request("203.0.113.5", "1.2.3.4")) == "203.0.113.5"
        # Trusted gateway: the first address from the right that is not a trusted proxy.
        assert client_address(_request("10.9.0.2", "1.2.3.4, 198.51.100.7, 10.9.0.3")
                              ) == "198.51.100.7"
        assert client_address(_request("127.0.0.1", "6.6.6.6", "198.51.100.8")
                              ) == "198.51.100.8"
        # A malformed hop, or nothing forwarded: the peer.
        assert client_address(_request("10.9.0.2", "1.2.3.4, not-an-ip")) == "10.9.0.2"
        assert client_address(_request("10.9.0.2")) == "10.9.0.2"
        assert client_address(None) is None
    finally:
        monkeypatch.undo()
        reset_settings_cache()


def test_a_bad_trusted_proxy_entry_stops_the_settings(monkeypatch):
    from pydantic import ValidationError

    from unionhub.settings import Settings

    monkeypatch.setenv("UNIONHUB_TRUSTED_PROXIES", '["10.0.0.0/33"]')
    with pytest.raises(ValidationError, match="TRUSTED_PROXIES"):
        Settings()


async def test_registrations_per_address_are_capped_before_hashing(gql, limits):
    phones = [f"1360000000{i}" for i in range(3)]
    codes = [await sms_code(gql, phone) for phone in phones]
    results = [await gql(REGISTER, {"input": {"phone": phone, "password": "long-enough-1",
                                              "smsCode": code}})
               for phone, code in zip(phones, codes, strict=True)]
    assert [r.data["register"]["errors"] for r in results[:2]] == [[], []]
    (error,) = results[2].data["register"]["errors"]
    assert error["code"] == "RATE_LIMITED" and error["retryAfterSeconds"] > 0
