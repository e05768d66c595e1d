"""Accounts through GraphQL, for the tests of sign-up, sign-in, refresh tokens, real-name
verification and personal data at rest (and of sessions): the documents, the test password,
`register` as the app does it, a signed-in session, and access-token claims to sign."""

from __future__ import annotations

import re
import time

from tests.sms import sms_code
from unionhub.identity.privacy import CURRENT as _NOTICE

REGISTER = """mutation Register($input: RegisterInput!) {
  register(input: $input) { accessToken refreshToken member { id tier } errors { code field message } }
}"""
LOGIN = """mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken refreshToken member { id } errors { code field message } }
}"""
REFRESH = """mutation Refresh($input: RefreshTokenInput!) {
  refreshToken(input: $input) { accessToken refreshToken member { id } errors { code field message } }
}"""
VERIFY = """mutation Verify($input: VerifyIdentityInput!) {
  verifyIdentity(input: $input) { member { id name idNumber tier } errors { code field message } }
}"""
ME = "query Me { me { id phone } }"
PASSWORD = "correct-horse-1"

CONSENT = _NOTICE.version  # verifyIdentity records consent to the current notice
VALID_ID = "11010519491231002X"


async def register(gql, phone: str, password: str = PASSWORD, code: str | None = None) -> dict:
    """`register` as the app does it: a REGISTER code first (sandbox), then the account. A
    malformed phone gets no code, so it is sent with a made-up one."""
    if code is None:
        well_formed = re.fullmatch(r"1[3-9]\d{9}", phone.strip())
        code = await sms_code(gql, phone.strip()) if well_formed else "000000"
    r = await gql(REGISTER, {"input": {"phone": phone, "password": password, "smsCode": code}})
    assert r.errors == []
    return r.data["register"]


async def _login(gql) -> dict:
    out = await gql(LOGIN, {"input": {"phone": "13812345678", "password": PASSWORD}})
    assert out.data["login"]["errors"] == []
    return out.data["login"]


async def _new_member(gql) -> tuple[str, int]:
    out = await register(gql, "13812345678")
    return out["accessToken"], int(out["member"]["id"])


def _claims(member_id: int, **overrides) -> dict:
    now = int(time.time())
    claims = {"sub": str(member_id), "role": "MEMBER", "iat": now, "exp": now + 600,
              "aud": "unionhub", "typ": "access"}
    claims.update(overrides)
    return claims
