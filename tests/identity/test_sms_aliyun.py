"""Alibaba Cloud SMS through its SDK against a local stand-in server: what we send (signed,
our signature and template, the code), what each answer becomes, and that nothing is kept
when the gateway does not send. See tests/identity/standins/aliyun.py for why a server."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator

import pytest

from tests.identity.providers import configured
from tests.identity.sms_gateway_env import aliyun_env as env
from tests.identity.standins import aliyun
from tests.identity.standins.aliyun import AliyunSms
from tests.sms import REGISTER, REQUEST_CODE
from unionhub.identity.models import SmsCode

PHONE = "13812345678"


@pytest.fixture
async def gateway(monkeypatch) -> AsyncIterator[AliyunSms]:
    async with aliyun.serving() as stand_in, configured(monkeypatch, env(stand_in.url)):
        yield stand_in


async def ask(gql, phone: str = PHONE, purpose: str = "REGISTER") -> dict:
    r = await gql(REQUEST_CODE, {"input": {"phone": phone, "purpose": purpose}})
    assert r.errors == []
    return r.data["requestSmsCode"]


async def test_the_code_goes_out_signed_and_signs_the_member_up(gql, factory, gateway):
    await factory.tree()
    assert (await ask(gql)) == {"retryAfterSeconds": 60, "errors": []}
    assert gateway.bad_signatures == 0
    (params,) = gateway.sent
    assert params["PhoneNumbers"] == PHONE
    assert (params["SignName"], params["TemplateCode"]) == (aliyun.SIGN_NAME, aliyun.TEMPLATE_CODE)
    code = json.loads(params["TemplateParam"])["code"]
    assert len(code) == 6 and code.isdigit()
    r = await gql(REGISTER, {"input": {"phone": PHONE, "password": "long-enough-1",
                                       "smsCode": code}})
    assert r.data["register"]["errors"] == [] and r.data["register"]["accessToken"]


@pytest.mark.parametrize(("status", "code", "expected"), [
    (200, "isv.BUSINESS_LIMIT_CONTROL", "SMS_PROVIDER_UNAVAILABLE"),  # flow control
    (200, "isv.AMOUNT_NOT_ENOUGH", "SMS_PROVIDER_UNAVAILABLE"),
    (200, "isv.MOBILE_NUMBER_ILLEGAL", "PHONE_FORMAT"),
    (400, "isv.MOBILE_NUMBER_ILLEGAL", "PHONE_FORMAT"),
    (500, "InternalError", "SMS_PROVIDER_UNAVAILABLE"),
    (503, "ServiceUnavailable", "SMS_PROVIDER_UNAVAILABLE"),
])
async def test_each_refusal_is_mapped_and_keeps_nothing(gql, factory, gateway, status, code,
                                                       expected):
    await factory.tree()
    gateway.status, gateway.code = status, code
    out = await ask(gql)
    assert [e["code"] for e in out["errors"]] == [expected]
    assert await SmsCode.all().count() == 0
    gateway.status, gateway.code = 200, "OK"
    assert (await ask(gql))["errors"] == []  # the window was given back


async def test_a_wrong_secret_fails_the_stand_ins_signature_check(gql, factory, gateway,
                                                                  monkeypatch):
    async with configured(monkeypatch, {"UNIONHUB_ALIYUN_ACCESS_KEY_SECRET": "not-the-secret"}):
        out = await ask(gql)
    assert [e["code"] for e in out["errors"]] == ["SMS_PROVIDER_UNAVAILABLE"]
    assert gateway.bad_signatures == 1 and gateway.sent == []


async def test_a_gateway_that_is_down_is_unavailable(gql, factory, monkeypatch):
    await factory.tree()
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with configured(monkeypatch, env(f"http://127.0.0.1:{port}")):
        out = await ask(gql)
    (error,) = out["errors"]
    assert error["code"] == "SMS_PROVIDER_UNAVAILABLE" and error["retryAfterSeconds"] > 0
    assert await SmsCode.all().count() == 0


async def test_nothing_personal_reaches_the_logs_even_at_debug(gql, factory, gateway, caplog):
    """The SDK logs whole requests (query string included) at DEBUG; its logger is kept at
    WARNING."""
    import logging

    await factory.tree()
    caplog.set_level(logging.DEBUG)
    assert (await ask(gql))["errors"] == []
    (code,) = gateway.codes_sent_to(PHONE)
    assert PHONE not in caplog.text and code not in caplog.text
