"""The captcha in front of a phone's later SMS codes (identity/captcha/): past
UNIONHUB_SMS_CODES_BEFORE_CAPTCHA codes a day, a code needs a solved captcha, so a stranger
cannot spend the owner's daily budget for free. Sandbox and Tencent Cloud Captcha (through its
SDK, against the stand-in); nothing changes on a refusal; the rule holds under concurrency."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import redis.asyncio
import respx

from tests.identity.providers import configured
from tests.identity.standins import tencent
from tests.identity.standins.tencent import TencentCloud
from tests.sms import REQUEST_CODE, SANDBOX_CAPTCHA, a_minute_passes, register
from unionhub import cache
from unionhub.identity.accounts import phone_index
from unionhub.identity.models import SandboxSms, SmsCode, SmsSendWindow
from unionhub.settings import reset_settings_cache

PHONE = "13812345678"
TENCENT = tencent.CAPTCHA_ENV


async def ask(gql, phone: str = PHONE, captcha: dict | None = None,
              purpose: str = "REGISTER") -> list[tuple[str, str | None]]:
    asked: dict = {"phone": phone, "purpose": purpose}
    if captcha is not None:
        asked["captcha"] = captcha
    r = await gql(REQUEST_CODE, {"input": asked})
    assert r.errors == []
    return [(e["code"], e["field"]) for e in r.data["requestSmsCode"]["errors"]]


async def use_the_free_codes(gql, phone: str = PHONE) -> None:
    for _ in range(3):
        await a_minute_passes(phone)
        assert await ask(gql, phone) == []
    await a_minute_passes(phone)


async def sent_to(phone: str = PHONE) -> tuple[int, int, int]:
    window = await SmsSendWindow.get(phone_bidx=phone_index(phone))
    return (await SmsCode.filter(phone_bidx=phone_index(phone)).count(),
            await SandboxSms.filter(phone_bidx=phone_index(phone)).count(), window.day_count)


async def test_the_fourth_code_of_the_day_needs_a_captcha(gql, factory):
    await factory.tree()
    await use_the_free_codes(gql)
    assert await ask(gql) == [("CAPTCHA_REQUIRED", "captcha")]
    assert await sent_to() == (3, 3, 3)  # nothing sent, the window not taken
    assert await ask(gql, captcha=SANDBOX_CAPTCHA) == []
    assert await sent_to() == (4, 4, 4)


@pytest.mark.parametrize("captcha", [
    {"ticket": "not-the-sandbox-ticket", "randstr": "@x"},
    {"ticket": "", "randstr": "@x"},
    {"ticket": "sandbox-pass", "randstr": ""},
    {"ticket": "sandbox-pass" + "x" * 5000, "randstr": "@x"},
])
async def test_a_captcha_that_does_not_pass_changes_nothing(gql, factory, captcha):
    await factory.tree()
    await use_the_free_codes(gql)
    assert await ask(gql, captcha=captcha) == [("CAPTCHA_INVALID", "captcha")]
    assert await sent_to() == (3, 3, 3)


async def test_a_captcha_does_not_lift_the_daily_cap_or_the_resend_wait(gql, factory):
    await factory.tree()
    for _ in range(10):
        await a_minute_passes(PHONE)
        assert await ask(gql, captcha=SANDBOX_CAPTCHA) == []
    assert await ask(gql, captcha=SANDBOX_CAPTCHA) == [("SMS_RESEND_TOO_SOON", "phone")]
    await a_minute_passes(PHONE)
    assert await ask(gql, captcha=SANDBOX_CAPTCHA) == [("SMS_DAILY_LIMIT", "phone")]
    assert (await sent_to())[0] == 10


async def test_the_captcha_step_is_the_same_for_registered_and_unregistered_phones(gql, factory):
    await factory.tree()
    assert (await register(gql, "13800000001", "long-enough-1"))["errors"] == []
    for _ in range(2):  # 3 codes in all, with the sign-up's
        await a_minute_passes("13800000001")
        assert await ask(gql, "13800000001") == []
    for _ in range(3):
        await a_minute_passes("13800000002")
        assert await ask(gql, "13800000002") == []
    await a_minute_passes("13800000001")
    await a_minute_passes("13800000002")
    assert await ask(gql, "13800000001") == await ask(gql, "13800000002") == [
        ("CAPTCHA_REQUIRED", "captcha")]


async def test_zero_free_codes_asks_for_a_captcha_every_time(gql, factory, monkeypatch):
    await factory.tree()
    monkeypatch.setenv("UNIONHUB_SMS_CODES_BEFORE_CAPTCHA", "0")
    reset_settings_cache()
    try:
        assert await ask(gql) == [("CAPTCHA_REQUIRED", "captcha")]
        assert await SmsCode.all().count() == 0
        assert await ask(gql, captcha=SANDBOX_CAPTCHA) == []
    finally:
        monkeypatch.undo()
        reset_settings_cache()


async def test_concurrent_requests_cannot_slip_past_the_captcha(gql, factory, monkeypatch):
    """With no resend wait, eight requests at once on a phone with one code sent: the
    conditional UPDATE lets exactly two through (to 3), the rest are refused (CI runs this
    on PostgreSQL)."""
    await factory.tree()
    monkeypatch.setenv("UNIONHUB_SMS_RESEND_SECONDS", "0")
    reset_settings_cache()
    try:
        assert await ask(gql) == []
        results = await asyncio.gather(*(ask(gql) for _ in range(8)))
    finally:
        monkeypatch.undo()
        reset_settings_cache()
    assert sum(r == [] for r in results) == 2
    # A request whose clock reads a hair before another's send sees a resend wait instead.
    assert {tuple(r) for r in results if r} <= {(("CAPTCHA_REQUIRED", "captcha"),),
                                                (("SMS_RESEND_TOO_SOON", "phone"),)}
    assert await sent_to() == (3, 3, 3)


# --- Tencent Cloud Captcha, through its SDK against the stand-in ------------------------------

@pytest.fixture
async def cloud(monkeypatch) -> AsyncIterator[TencentCloud]:
    stand_in = TencentCloud()
    async with configured(monkeypatch, TENCENT):
        with respx.mock(assert_all_called=False) as router:
            router.post(f"https://{tencent.CAPTCHA_HOST}/").mock(side_effect=stand_in.captcha)
            yield stand_in


async def test_a_solved_tencent_captcha_passes_once(gql, factory, cloud):
    await factory.tree()
    await use_the_free_codes(gql)
    solved = cloud.solve_captcha()
    assert await ask(gql, captcha=solved) == []
    (body,) = cloud.captcha_checks
    assert cloud.bad_signatures == 0
    assert (body["CaptchaType"], body["Ticket"], body["Randstr"], body["CaptchaAppId"],
            body["AppSecretKey"]) == (9, solved["ticket"], solved["randstr"],
                                      tencent.CAPTCHA_APP_ID, tencent.CAPTCHA_APP_KEY)
    assert body["UserIp"]  # the caller's address, as the API asks
    await a_minute_passes(PHONE)
    assert await ask(gql, captcha=solved) == [("CAPTCHA_INVALID", "captcha")]  # reused: code 9
    assert await sent_to() == (4, 4, 4)


async def test_tencent_refusals(gql, factory, cloud):
    await factory.tree()
    await use_the_free_codes(gql)
    solved = cloud.solve_captcha()
    assert await ask(gql, captcha={**solved, "randstr": "@no"}) == [("CAPTCHA_INVALID", "captcha")]
    assert await ask(gql, captcha={"ticket": "tr03forged*", "randstr": "@x"}) == [
        ("CAPTCHA_INVALID", "captcha")]
    cloud.captcha_code = 26  # the service's own internal error
    assert await ask(gql, captcha=solved) == [("CAPTCHA_PROVIDER_UNAVAILABLE", None)]
    cloud.captcha_code = None
    cloud.override = lambda: httpx.Response(502, text="bad gateway")
    assert await ask(gql, captcha=solved) == [("CAPTCHA_PROVIDER_UNAVAILABLE", None)]
    cloud.override = None
    assert await sent_to() == (3, 3, 3)
    assert await ask(gql, captcha=solved) == []  # the ticket was never spent by the refusals


async def test_a_wrong_app_key_never_passes_and_nothing_secret_is_logged(gql, factory, cloud,
                                                                         monkeypatch, caplog):
    import logging

    await factory.tree()
    await use_the_free_codes(gql)
    caplog.set_level(logging.DEBUG)
    async with configured(monkeypatch, {**TENCENT,
                                        "UNIONHUB_TENCENT_CAPTCHA_APP_SECRET_KEY": "wrong"}):
        solved = cloud.solve_captcha()
        assert await ask(gql, captcha=solved) == [("CAPTCHA_INVALID", "captcha")]
    assert cloud.captcha_checks[-1]["AppSecretKey"] == "wrong"  # it was sent, and refused
    assert solved["ticket"] not in caplog.text and "wrong" not in caplog.text


# --- the local single-use guard: a ticket passes once even if the service passes it again -----

OTHER_PHONE = "13812345679"


async def test_a_ticket_the_service_passes_twice_passes_once(gql, factory, cloud):
    await factory.tree()
    await use_the_free_codes(gql)
    cloud.forgets_used_tickets = True
    solved = cloud.solve_captcha()
    assert await ask(gql, captcha=solved) == []
    await a_minute_passes(PHONE)
    assert await ask(gql, captcha=solved) == [("CAPTCHA_INVALID", "captcha")]
    assert len(cloud.captcha_checks) == 2  # the service did pass it the second time
    assert await sent_to() == (4, 4, 4)
    # The claim is a keyed hash: the ticket itself is no Redis key.
    keys = [k async for k in cache.get_redis().scan_iter(match="captcha:used:*")]
    assert len(keys) == 1 and all(solved["ticket"] not in str(k) for k in keys)


async def test_one_ticket_sent_twice_at_once_passes_once(gql, factory, cloud):
    """One solved captcha, two phones' requests at once (an attacker spending one ticket on
    many phones' budgets): the service passes both, the claim lets one through."""
    await factory.tree()
    await use_the_free_codes(gql, PHONE)
    await use_the_free_codes(gql, OTHER_PHONE)
    cloud.forgets_used_tickets = True
    solved = cloud.solve_captcha()
    results = await asyncio.gather(ask(gql, PHONE, solved), ask(gql, OTHER_PHONE, solved))
    assert sorted(results) == [[], [("CAPTCHA_INVALID", "captcha")]]
    assert sorted([await sent_to(PHONE), await sent_to(OTHER_PHONE)]) == [(3, 3, 3), (4, 4, 4)]


async def test_with_redis_down_the_process_still_refuses_a_replay(gql, factory, cloud,
                                                                   monkeypatch):
    """Redis unreachable: the claim is made in this process's own store (as the SMS path's
    limits are counted then), so a replay is refused here even by a service that passes it."""
    await factory.tree()
    await use_the_free_codes(gql)
    real = cache.get_redis()
    down = redis.asyncio.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5,
                               socket_timeout=0.5)
    monkeypatch.setattr(cache, "_client", down)
    cloud.forgets_used_tickets = True
    try:
        solved = cloud.solve_captcha()
        assert await ask(gql, captcha=solved) == []
        await a_minute_passes(PHONE)
        assert await ask(gql, captcha=solved) == [("CAPTCHA_INVALID", "captcha")]
    finally:
        monkeypatch.setattr(cache, "_client", real)
        await down.aclose()
    assert await sent_to() == (4, 4, 4)


# --- a ticket is spent only on a code sent -------------------------------------------------

@pytest.fixture
async def cloud_sms(monkeypatch) -> AsyncIterator[TencentCloud]:
    """Tencent Cloud for the captcha and the SMS gateway both."""
    from tests.identity.sms_gateway_env import TENCENT_ENV

    stand_in = TencentCloud()
    async with configured(monkeypatch, {**TENCENT, **TENCENT_ENV}):
        with respx.mock(assert_all_called=False) as router:
            router.post(f"https://{tencent.CAPTCHA_HOST}/").mock(side_effect=stand_in.captcha)
            router.post(f"https://{tencent.SMS_HOST}/").mock(side_effect=stand_in.sms)
            yield stand_in


async def test_a_ticket_whose_code_was_not_sent_passes_again_for_that_phone(gql, factory,
                                                                          cloud_sms):
    """The gateway said it did not send, or the phone's window refused the code after the
    captcha passed: the person solved it and got nothing, so the same ticket passes again for
    that phone (without asking the service, which refuses a reused ticket), once; it is
    spent by the code it finally brings, and never passes for another phone."""
    cloud = cloud_sms
    await factory.tree()
    await use_the_free_codes(gql)
    await use_the_free_codes(gql, OTHER_PHONE)
    solved = cloud.solve_captcha()
    cloud.sms_status = "FailedOperation.InsufficientBalanceInSmsPackage"  # said: not sent
    assert await ask(gql, captcha=solved) == [("SMS_PROVIDER_UNAVAILABLE", None)]
    cloud.sms_status = "Ok"
    assert await ask(gql, OTHER_PHONE, captcha=solved) == [("CAPTCHA_INVALID", "captcha")]
    assert await ask(gql, captcha=solved) == []  # the retry the app makes
    assert (await sent_to())[::2] == (4, 4)  # codes kept, the day's count
    # The window refusing after the captcha passed spends nothing either.
    again = cloud.solve_captcha()
    assert await ask(gql, captcha=again) == [("SMS_RESEND_TOO_SOON", "phone")]
    await a_minute_passes(PHONE)
    assert await ask(gql, captcha=solved) == [("CAPTCHA_INVALID", "captcha")]  # spent now
    assert await ask(gql, captcha=again) == []
    assert (await sent_to())[::2] == (5, 5)
    assert (await sent_to(OTHER_PHONE))[::2] == (3, 3)


async def test_a_ticket_given_back_passes_once_under_concurrency(gql, factory, cloud_sms):
    """Two requests at once with a ticket given back to its phone (even from a service that
    passes a used ticket again): one takes the mark back and gets the code, the other is
    CAPTCHA_INVALID, refused by the ticket and not merely by the phone's window."""
    cloud = cloud_sms
    await factory.tree()
    await use_the_free_codes(gql)
    cloud.forgets_used_tickets = True
    solved = cloud.solve_captcha()
    cloud.sms_status = "FailedOperation.InsufficientBalanceInSmsPackage"
    assert await ask(gql, captcha=solved) == [("SMS_PROVIDER_UNAVAILABLE", None)]
    cloud.sms_status = "Ok"
    results = await asyncio.gather(*(ask(gql, captcha=solved) for _ in range(4)))
    assert sorted(results) == [[]] + [[("CAPTCHA_INVALID", "captcha")]] * 3
    assert (await sent_to())[::2] == (4, 4)
