"""Tencent Cloud SMS through its SDK against the stand-in: what we send (signed, our app id,
signature, template, the code and its lifetime), what each answer becomes, and that nothing is
kept when the gateway does not send."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import respx

from tests.identity.providers import configured
from tests.identity.sms_gateway_env import TENCENT_ENV as ENV
from tests.identity.standins import tencent
from tests.identity.standins.tencent import TencentCloud
from tests.metrics_helpers import assert_alert_watches, total
from tests.sms import REGISTER, REQUEST_CODE, a_minute_passes
from unionhub.identity.models import SandboxSms, SmsCode, SmsSendWindow

PHONE = "13812345678"


@pytest.fixture
async def cloud(monkeypatch) -> AsyncIterator[TencentCloud]:
    stand_in = TencentCloud()
    async with configured(monkeypatch, ENV):
        with respx.mock(assert_all_called=False) as router:
            router.post(f"https://{tencent.SMS_HOST}/").mock(side_effect=stand_in.sms)
            yield stand_in


async def ask(gql, phone: str = PHONE, purpose: str = "REGISTER") -> dict:
    r = await gql(REQUEST_CODE, {"input": {"phone": phone, "purpose": purpose}})
    assert r.errors == []
    return r.data["requestSmsCode"]


async def test_the_code_goes_out_signed_and_signs_the_member_up(gql, factory, cloud):
    await factory.tree()
    sent = await ask(gql)
    assert sent == {"retryAfterSeconds": 60, "errors": []}
    (body,) = cloud.sms_sent
    assert cloud.bad_signatures == 0
    assert body["PhoneNumberSet"] == [f"+86{PHONE}"]
    assert (body["SmsSdkAppId"], body["SignName"], body["TemplateId"]) == (
        tencent.SDK_APP_ID, tencent.SIGN_NAME, tencent.TEMPLATE_ID)
    code, minutes = body["TemplateParamSet"]
    assert len(code) == 6 and code.isdigit() and minutes == "5"
    assert await SandboxSms.all().count() == 0  # a real gateway: the sandbox keeps nothing
    r = await gql(REGISTER, {"input": {"phone": PHONE, "password": "long-enough-1",
                                       "smsCode": code}})
    assert r.data["register"]["errors"] == [] and r.data["register"]["accessToken"]


async def test_a_template_per_purpose_overrides_the_default(gql, factory, cloud, monkeypatch):
    monkeypatch.setenv("UNIONHUB_SMS_TEMPLATES", '{"LOGIN": "1910002"}')
    async with configured(monkeypatch, {}):
        with respx.mock(assert_all_called=False) as router:
            router.post(f"https://{tencent.SMS_HOST}/").mock(side_effect=cloud.sms)
            out = await ask(gql, purpose="LOGIN")
    assert [e["code"] for e in out["errors"]] == ["SMS_PROVIDER_UNAVAILABLE"]  # unknown template
    assert cloud.sms_sent[-1]["TemplateId"] == "1910002"


def _raise_connect_error() -> httpx.Response:
    raise httpx.ConnectError("connection refused")


@pytest.mark.parametrize(("answer", "expected"), [
    (lambda: tencent.error("InternalError.Timeout"), "SMS_PROVIDER_UNAVAILABLE"),
    (lambda: tencent.error("LimitExceeded.PhoneNumberDailyLimit"), "SMS_PROVIDER_UNAVAILABLE"),
    (lambda: httpx.Response(502, text="Bad Gateway"), "SMS_PROVIDER_UNAVAILABLE"),
    (_raise_connect_error, "SMS_PROVIDER_UNAVAILABLE"),
])
async def test_a_gateway_that_cannot_send_is_unavailable_and_keeps_nothing(gql, factory, cloud,
                                                                           answer, expected):
    await factory.tree()
    cloud.override = answer
    unavailable = {"provider": "tencent", "outcome": "unavailable"}
    before = total("unionhub.sms.requests", unavailable)
    out = await ask(gql)
    (error,) = out["errors"]
    assert error["code"] == expected and error["retryAfterSeconds"] > 0
    # Counted as unavailable, which UnionHubSmsProviderUnavailable pages on.
    assert total("unionhub.sms.requests", unavailable) == before + 1
    assert_alert_watches("UnionHubSmsProviderUnavailable", "unionhub.sms.requests", unavailable)
    assert out["retryAfterSeconds"] is None
    assert await SmsCode.all().count() == 0
    # The window was given back: once the gateway is up, the app's retry goes out at once.
    cloud.override = None
    assert (await ask(gql))["errors"] == []
    assert len(cloud.sms_sent) == 1 and await SmsCode.all().count() == 1
    assert (await SmsSendWindow.get()).day_count == 1


@pytest.mark.parametrize(("status", "expected"), [
    ("LimitExceeded.PhoneNumberThirtySecondLimit", "SMS_PROVIDER_UNAVAILABLE"),
    ("FailedOperation.InsufficientBalanceInSmsPackage", "SMS_PROVIDER_UNAVAILABLE"),
    ("InvalidParameterValue.IncorrectPhoneNumber", "PHONE_FORMAT"),
])
async def test_a_per_number_refusal_is_mapped(gql, factory, cloud, status, expected):
    await factory.tree()
    cloud.sms_status = status
    out = await ask(gql)
    assert [e["code"] for e in out["errors"]] == [expected]
    assert await SmsCode.all().count() == 0


async def test_a_wrong_secret_fails_the_stand_ins_signature_check(gql, factory, cloud, monkeypatch):
    async with configured(monkeypatch, {"UNIONHUB_TENCENTCLOUD_SECRET_KEY": "not-the-key"}):
        out = await ask(gql)
    assert [e["code"] for e in out["errors"]] == ["SMS_PROVIDER_UNAVAILABLE"]
    assert cloud.bad_signatures == 1 and cloud.sms_sent == []


async def test_nothing_personal_reaches_the_logs_even_at_debug(gql, factory, cloud, caplog):
    """The SDK logs whole requests at DEBUG; its logger is kept at WARNING."""
    import logging

    await factory.tree()
    caplog.set_level(logging.DEBUG)
    assert (await ask(gql))["errors"] == []
    cloud.override = lambda: tencent.error("InternalError")
    await a_minute_passes(PHONE)
    assert [e["code"] for e in (await ask(gql))["errors"]] == ["SMS_PROVIDER_UNAVAILABLE"]
    (code,) = cloud.codes_sent_to(PHONE)
    assert "InternalError" in caplog.text  # the gateway's error code is logged ...
    assert PHONE not in caplog.text and code not in caplog.text  # ... the phone and code never
