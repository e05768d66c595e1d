"""An SMS send whose outcome is unknown keeps the phone's send window (identity/sms_codes.py):
a gateway that takes the message and answers after UNIONHUB_SMS_TIMEOUT_SECONDS may have
delivered it, so the window stays taken (it was given back, and a slow gateway let a client
send again at once) and the code stays usable. A gateway that could not be reached still gives
the window back (test_sms_tencent.py, test_sms_aliyun.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import respx

from tests.identity.providers import configured
from tests.identity.sms_gateway_env import TENCENT_ENV, aliyun_env
from tests.identity.standins import aliyun, tencent
from tests.identity.standins.aliyun import AliyunSms
from tests.identity.standins.tencent import TencentCloud
from tests.metrics_helpers import assert_alert_watches, total
from tests.sms import REGISTER, REQUEST_CODE
from unionhub.identity.models import SmsCode, SmsSendWindow

PHONE = "13812345678"
SLOW = {"UNIONHUB_SMS_TIMEOUT_SECONDS": "1"}


@pytest.fixture
async def slow_gateway(monkeypatch) -> AsyncIterator[AliyunSms]:
    async with aliyun.serving() as stand_in, configured(
            monkeypatch, {**aliyun_env(stand_in.url), **SLOW}):
        yield stand_in


async def ask(gql) -> dict:
    r = await gql(REQUEST_CODE, {"input": {"phone": PHONE, "purpose": "REGISTER"}})
    assert r.errors == []
    return r.data["requestSmsCode"]


def codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["errors"]]


async def test_a_slow_gateway_keeps_the_window_taken(gql, factory, slow_gateway):
    await factory.tree()
    before = total("unionhub.sms.requests", {"provider": "aliyun", "outcome": "unknown"})
    slow_gateway.delay_seconds = 2  # it takes the message, then answers past our timeout
    out = await ask(gql)
    (error,) = out["errors"]
    assert error["code"] == "SMS_PROVIDER_UNAVAILABLE"
    assert error["retryAfterSeconds"] == 60  # the window's length: not "at once"
    assert total("unionhub.sms.requests", {"provider": "aliyun", "outcome": "unknown"}) == (
        before + 1)
    assert_alert_watches("UnionHubSmsOutcomeUnknown", "unionhub.sms.requests",
                         {"provider": "aliyun", "outcome": "unknown"})
    slow_gateway.delay_seconds = 0
    again = await ask(gql)
    assert codes(again) == ["SMS_RESEND_TOO_SOON"] and len(slow_gateway.sent) == 1
    assert (await SmsSendWindow.get()).day_count == 1
    # It was delivered after all: the code signs the member up.
    (code,) = slow_gateway.codes_sent_to(PHONE)
    r = await gql(REGISTER, {"input": {"phone": PHONE, "password": "long-enough-1",
                                       "smsCode": code}})
    assert r.data["register"]["errors"] == [] and r.data["register"]["accessToken"]


def _read_timeout() -> httpx.Response:
    raise httpx.ReadTimeout("no answer in time")


def _connect_error() -> httpx.Response:
    raise httpx.ConnectError("connection refused")


@pytest.mark.parametrize(("answer", "window_kept"), [(_read_timeout, True),
                                                      (_connect_error, False)])
async def test_tencent_a_timeout_keeps_the_window_a_refused_connection_not(
        gql, factory, monkeypatch, answer, window_kept):
    await factory.tree()
    cloud = TencentCloud()
    async with configured(monkeypatch, {**TENCENT_ENV, **SLOW}):
        with respx.mock(assert_all_called=False) as router:
            router.post(f"https://{tencent.SMS_HOST}/").mock(side_effect=cloud.sms)
            cloud.override = answer
            assert codes(await ask(gql)) == ["SMS_PROVIDER_UNAVAILABLE"]
            cloud.override = None
            again = await ask(gql)
    if window_kept:
        assert codes(again) == ["SMS_RESEND_TOO_SOON"] and cloud.sms_sent == []
        assert await SmsCode.all().count() == 1  # the first code, in case it arrives
    else:
        assert again["errors"] == [] and len(cloud.sms_sent) == 1
        assert await SmsCode.all().count() == 1
    assert (await SmsSendWindow.get()).day_count == 1
