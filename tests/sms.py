"""Signing up in tests as a person does in development: ask for a code through GraphQL, read it
from the sandbox SMS provider's store (what `unionhub sandbox sms PHONE` prints)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from unionhub.clock import utcnow
from unionhub.identity.crypto import blind_index
from unionhub.identity.models import SmsSendWindow
from unionhub.identity.sms_providers.sandbox import latest_live_code
from unionhub.settings import get_settings

REQUEST_CODE = """mutation RequestCode($input: RequestSmsCodeInput!) {
  requestSmsCode(input: $input) { retryAfterSeconds errors { code field message retryAfterSeconds } }
}"""
REGISTER = """mutation Register($input: RegisterInput!) {
  register(input: $input) { accessToken refreshToken member { id tier } errors { code field message } }
}"""


# What the sandbox captcha passes (unionhub/identity/captcha/sandbox.py).
SANDBOX_CAPTCHA = {"ticket": "sandbox-pass", "randstr": "@sandbox"}


async def request_code(gql: Any, phone: str, purpose: str = "REGISTER",
                       captcha: dict | None = None) -> dict:
    asked: dict[str, Any] = {"phone": phone, "purpose": purpose}
    if captcha is not None:
        asked["captcha"] = captcha
    r = await gql(REQUEST_CODE, {"input": asked})
    assert r.errors == [], r.errors
    return r.data["requestSmsCode"]


async def a_minute_passes(phone: str) -> None:
    """The phone's resend window ends, as if UNIONHUB_SMS_RESEND_SECONDS had passed."""
    await SmsSendWindow.filter(phone_bidx=blind_index(phone.strip(), "phone")).update(
        last_sent_at=utcnow() - timedelta(seconds=get_settings().sms_resend_seconds + 1))


async def sms_code(gql: Any, phone: str, purpose: str = "REGISTER") -> str:
    """A fresh code for the phone: requested through the API (after the phone's resend
    window, so a test may ask twice), read from the sandbox."""
    await a_minute_passes(phone)
    sent = await request_code(gql, phone, purpose)
    if [e["code"] for e in sent["errors"]] == ["CAPTCHA_REQUIRED"]:
        # As the app does past a few codes a day: show the captcha, ask again with it.
        sent = await request_code(gql, phone, purpose, captcha=SANDBOX_CAPTCHA)
    assert sent["errors"] == [], sent["errors"]
    found = await latest_live_code(phone)
    assert found is not None and found[1].value == purpose
    return found[0]


async def register(gql: Any, phone: str, password: str) -> dict:
    """`register` with a code asked for just before: the payload."""
    code = await sms_code(gql, phone.strip())
    r = await gql(REGISTER, {"input": {"phone": phone, "password": password, "smsCode": code}})
    assert r.errors == [], r.errors
    return r.data["register"]
