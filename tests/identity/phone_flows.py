"""Phones proven by SMS code, for the SMS-code, phone-change and session tests: the test phone
and password, the reset, change and close documents, a sign-up, a payload's error codes, and
the refusal of a revoked session."""

from __future__ import annotations

from tests.sms import register

PHONE = "13812345678"
PASSWORD = "long-enough-1"
RESET = """mutation Reset($input: ResetPasswordInput!) {
  resetPassword(input: $input) { accessToken refreshToken errors { code field } } }"""
CHANGE = """mutation Change($input: ChangePhoneInput!) {
  changePhone(input: $input) { member { id phone } errors { code field } } }"""


def codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["errors"]]


async def sign_up(gql, phone: str = PHONE) -> dict:
    out = await register(gql, phone, PASSWORD)
    assert out["errors"] == []
    return out


NEW_PHONE = "13900001111"
CLOSE = """mutation C($input: CloseAccountInput!) { closeAccount(input: $input) {
  closed errors { code } } }"""


def _refused_as_signed_out(out) -> None:
    (error,) = out.errors
    assert (error["extensions"]["code"], error["extensions"]["reason"]) == (
        "UNAUTHENTICATED", "TOKEN_REVOKED"), out.body
