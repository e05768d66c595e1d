"""Tencent Cloud API 3.0 stand-in: SMS SendSms (2021-01-11), faceid IdCardVerification
(2018-03-01) and Captcha DescribeCaptchaResult (2019-07-22), as respx routes.

Requests are POSTed JSON signed TC3-HMAC-SHA256 (Tencent's "签名方法 v3"): a canonical request
of method, path, query, the signed headers (lower-cased name:value), the signed header names
and the SHA-256 of the body; the string to sign is the algorithm, X-TC-Timestamp, the
credential scope (date/service/tc3_request) and the canonical request's SHA-256; the key is
derived HMAC-SHA256 from "TC3" + secret key through the date, the service and "tc3_request".
Answers are {"Response": {...}} with an "Error" object on failure.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
from aiohttp import web
from aiohttp.test_utils import TestServer

SECRET_ID = "AKIDstandin0000000000000000000000"
SECRET_KEY = "standin-secret-key-0123456789abcdef"
SMS_HOST = "sms.tencentcloudapi.com"
FACEID_HOST = "faceid.tencentcloudapi.com"
SDK_APP_ID = "1400123456"
SIGN_NAME = "陕西工会"
TEMPLATE_ID = "1910001"
CAPTCHA_HOST = "captcha.tencentcloudapi.com"
CAPTCHA_APP_ID = 199999164
CAPTCHA_APP_KEY = "standin-captcha-app-secret"
# The platform's settings for Tencent Cloud Captcha against this stand-in (its endpoint apart).
CAPTCHA_ENV = {
    "UNIONHUB_CAPTCHA_PROVIDER": "tencent",
    "UNIONHUB_TENCENTCLOUD_SECRET_ID": SECRET_ID,
    "UNIONHUB_TENCENTCLOUD_SECRET_KEY": SECRET_KEY,
    "UNIONHUB_TENCENT_CAPTCHA_APP_ID": str(CAPTCHA_APP_ID),
    "UNIONHUB_TENCENT_CAPTCHA_APP_SECRET_KEY": CAPTCHA_APP_KEY,
}


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def tc3_signature_ok(request: httpx.Request, service: str) -> bool:
    auth = request.headers.get("Authorization", "")
    algorithm, _, rest = auth.partition(" ")
    parts = dict(p.strip().split("=", 1) for p in rest.split(","))
    secret_id, date, scope_service, terminator = parts["Credential"].split("/")
    if (algorithm != "TC3-HMAC-SHA256" or secret_id != SECRET_ID or scope_service != service
            or terminator != "tc3_request"):
        return False
    timestamp = request.headers["X-TC-Timestamp"]
    if datetime.fromtimestamp(int(timestamp), UTC).strftime("%Y-%m-%d") != date:
        return False
    signed = parts["SignedHeaders"].split(";")
    if not {"content-type", "host"} <= set(signed):
        return False
    headers = "".join(f"{h}:{request.headers[h].strip().lower()}\n" for h in signed)
    canonical = "\n".join([request.method, request.url.path, request.url.query.decode(), headers,
                           parts["SignedHeaders"], hashlib.sha256(request.content).hexdigest()])
    to_sign = "\n".join(["TC3-HMAC-SHA256", timestamp, f"{date}/{service}/tc3_request",
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(("TC3" + SECRET_KEY).encode(), date), service), "tc3_request")
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["Signature"])


def _answer(body: dict) -> httpx.Response:
    return httpx.Response(200, json={"Response": {**body, "RequestId": str(uuid.uuid4())}})


def error(code: str, message: str = "refused") -> httpx.Response:
    return _answer({"Error": {"Code": code, "Message": message}})


@dataclass
class TencentCloud:
    """What the stand-in received, and how it answers next (`sms_status`, `faceid_result`, or
    an `override` answer such as an HTTP 502 or a raised transport error)."""

    sms_sent: list[dict] = field(default_factory=list)  # SendSms bodies, decoded
    verifications: list[dict] = field(default_factory=list)  # IdCardVerification bodies
    records: dict[str, str] = field(default_factory=dict)  # the authority's ID number -> name
    sms_status: str = "Ok"
    faceid_result: str | None = None  # force a Result code ("-4", "-7", ...)
    override: Callable[[], httpx.Response] | None = None
    bad_signatures: int = 0
    captcha_checks: list[dict] = field(default_factory=list)  # DescribeCaptchaResult bodies
    solved: dict[str, str] = field(default_factory=dict)  # tickets handed out -> their randstr
    used_tickets: set[str] = field(default_factory=set)
    captcha_code: int | None = None  # force a CaptchaCode (26: the service's internal error)
    # A service whose reuse record misses: passes a solved ticket again (CaptchaCode 1, not 9).
    forgets_used_tickets: bool = False

    def solve_captcha(self) -> dict[str, str]:
        """What the widget returns once a person has solved it: a fresh ticket and randstr."""
        ticket, randstr = f"tr03{uuid.uuid4().hex}*", f"@{uuid.uuid4().hex[:3]}"
        self.solved[ticket] = randstr
        return {"ticket": ticket, "randstr": randstr}

    def codes_sent_to(self, phone: str) -> list[str]:
        return [b["TemplateParamSet"][0] for b in self.sms_sent
                if b["PhoneNumberSet"] == [f"+86{phone}"]]

    def sms(self, request: httpx.Request) -> httpx.Response:
        if not tc3_signature_ok(request, "sms"):
            self.bad_signatures += 1
            return error("AuthFailure.SignatureFailure", "signature mismatch")
        assert request.headers["X-TC-Action"] == "SendSms"
        assert request.headers["X-TC-Version"] == "2021-01-11"
        if self.override:
            return self.override()
        body = json.loads(request.content)
        self.sms_sent.append(body)
        if body["SmsSdkAppId"] != SDK_APP_ID or body["SignName"] != SIGN_NAME:
            return error("FailedOperation.SignatureIncorrectOrUnapproved")
        if body["TemplateId"] != TEMPLATE_ID:
            return error("FailedOperation.TemplateIncorrectOrUnapproved")
        phone = body["PhoneNumberSet"][0]
        code = "Ok" if self.sms_status == "Ok" else self.sms_status
        return _answer({"SendStatusSet": [{
            "SerialNo": uuid.uuid4().hex, "PhoneNumber": phone, "Fee": 1, "SessionContext": "",
            "Code": code, "Message": "send success" if code == "Ok" else "refused",
            "IsoCode": "CN"}]})

    def faceid(self, request: httpx.Request) -> httpx.Response:
        if not tc3_signature_ok(request, "faceid"):
            self.bad_signatures += 1
            return error("AuthFailure.SignatureFailure", "signature mismatch")
        assert request.headers["X-TC-Action"] == "IdCardVerification"
        assert request.headers["X-TC-Version"] == "2018-03-01"
        if self.override:
            return self.override()
        body = json.loads(request.content)
        self.verifications.append(body)
        result = self.faceid_result
        if result is None:
            known = self.records.get(body["IdCard"])
            result = "-5" if known is None else ("0" if known == body["Name"] else "-1")
        return _answer({"Result": result, "Description": "stand-in"})

    def captcha(self, request: httpx.Request) -> httpx.Response:
        if not tc3_signature_ok(request, "captcha"):
            self.bad_signatures += 1
            return error("AuthFailure.SignatureFailure", "signature mismatch")
        assert request.headers["X-TC-Action"] == "DescribeCaptchaResult"
        assert request.headers["X-TC-Version"] == "2019-07-22"
        if self.override:
            return self.override()
        body = json.loads(request.content)
        self.captcha_checks.append(body)
        ticket = body["Ticket"]
        if self.captcha_code is not None:
            code = self.captcha_code
        elif body["CaptchaAppId"] != CAPTCHA_APP_ID:
            code = 16  # appid-ticket mismatch
        elif body["AppSecretKey"] != CAPTCHA_APP_KEY:
            code = 100  # appsecretkey-ticket mismatch
        elif ticket not in self.solved:
            code = 15  # decrypt fail
        elif ticket in self.used_tickets and not self.forgets_used_tickets:
            code = 9  # ticket reused
        elif self.solved[ticket] != body["Randstr"]:
            code = 7  # captcha no match
        else:
            self.used_tickets.add(ticket)
            code = 1
        return _answer({"CaptchaCode": code, "CaptchaMsg": "stand-in", "EvilLevel": 0,
                        "GetCaptchaTime": 0})


@asynccontextmanager
async def serving_captcha() -> AsyncIterator[tuple[TencentCloud, str]]:
    """The stand-in's DescribeCaptchaResult over real HTTP, for a server in another process
    (UNIONHUB_TENCENT_CAPTCHA_ENDPOINT): the stand-in and its URL."""
    stand_in = TencentCloud()

    async def handle(request: web.Request) -> web.Response:
        answer = stand_in.captcha(httpx.Request(
            request.method, str(request.url), headers=list(request.headers.items()),
            content=await request.read()))
        return web.Response(status=answer.status_code, body=answer.content,
                            content_type="application/json")

    app = web.Application()
    app.router.add_post("/", handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server(access_log=None)
    try:
        yield stand_in, f"http://127.0.0.1:{server.port}"
    finally:
        await server.close()
