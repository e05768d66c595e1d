"""Alibaba Cloud SMS (dysmsapi 2017-05-25) stand-in: a local HTTP server on a free port.

The SDK sends over aiohttp, which respx cannot intercept, so this is a real server
(aiohttp.web on 127.0.0.1) that the SDK reaches through UNIONHUB_ALIYUN_SMS_ENDPOINT. Requests
are RPC-style POSTs, the parameters in the query string, signed ACS3-HMAC-SHA256 (Alibaba
Cloud's V3 signature): a canonical request of method, path, the sorted RFC 3986-encoded query,
the signed headers (lower-cased name:trimmed value), their names, and the body's SHA-256 (also
sent as x-acs-content-sha256); the signature is the hex HMAC-SHA256, under the AccessKey
secret, of "ACS3-HMAC-SHA256\\n" + the canonical request's SHA-256. Answers are JSON objects
with Code ("OK" when sent) and Message; errors come with HTTP 4xx/5xx.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import quote

from aiohttp import web
from aiohttp.test_utils import TestServer

ACCESS_KEY_ID = "LTAIstandin000000000000"
ACCESS_KEY_SECRET = "standin-access-key-secret-0123"
SIGN_NAME = "陕西工会"
TEMPLATE_CODE = "SMS_480000001"


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def acs3_signature_ok(request: web.Request, body: bytes) -> bool:
    algorithm, _, rest = request.headers.get("Authorization", "").partition(" ")
    parts = dict(p.strip().split("=", 1) for p in rest.split(","))
    if algorithm != "ACS3-HMAC-SHA256" or parts.get("Credential") != ACCESS_KEY_ID:
        return False
    payload_hash = hashlib.sha256(body).hexdigest()
    if request.headers.get("x-acs-content-sha256") != payload_hash:
        return False
    signed = parts["SignedHeaders"].split(";")
    if not {"host", "x-acs-action", "x-acs-date", "x-acs-signature-nonce"} <= set(signed):
        return False
    query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(request.query.items()))
    headers = "".join(f"{h}:{request.headers[h].strip()}\n" for h in signed)
    canonical = "\n".join([request.method, request.path, query, headers, parts["SignedHeaders"],
                           payload_hash])
    to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    expected = hmac.new(ACCESS_KEY_SECRET.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["Signature"])


@dataclass
class AliyunSms:
    """What the stand-in received, and how it answers next."""

    sent: list[dict] = field(default_factory=list)  # SendSms parameters
    code: str = "OK"  # the next answer's Code
    status: int = 200  # the next answer's HTTP status
    bad_signatures: int = 0
    url: str = ""
    delay_seconds: float = 0  # a slow gateway: sends, then answers this late

    def codes_sent_to(self, phone: str) -> list[str]:
        return [json.loads(p["TemplateParam"])["code"] for p in self.sent
                if p["PhoneNumbers"] == phone]

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not acs3_signature_ok(request, body):
            self.bad_signatures += 1
            return self._answer(400, "SignatureDoesNotMatch")
        assert request.headers["x-acs-action"] == "SendSms"
        assert request.headers["x-acs-version"] == "2017-05-25"
        params = dict(request.query)
        self.sent.append(params)
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        if params.get("SignName") != SIGN_NAME:
            return self._answer(200, "isv.SMS_SIGNATURE_ILLEGAL")
        if params.get("TemplateCode") != TEMPLATE_CODE:
            return self._answer(200, "isv.SMS_TEMPLATE_ILLEGAL")
        return self._answer(self.status, self.code)

    @staticmethod
    def _answer(status: int, code: str) -> web.Response:
        body = {"Code": code, "Message": "OK" if code == "OK" else "refused",
                "RequestId": str(uuid.uuid4())}
        if code == "OK":
            body["BizId"] = uuid.uuid4().hex[:20]
        return web.json_response(body, status=status)


@asynccontextmanager
async def serving() -> AsyncIterator[AliyunSms]:
    stand_in = AliyunSms()
    app = web.Application()
    app.router.add_post("/", stand_in.handle)
    # A free port, chosen when it starts; no access log (it would print the query string).
    server = TestServer(app, host="127.0.0.1")
    await server.start_server(access_log=None)
    stand_in.url = f"http://127.0.0.1:{server.port}"
    try:
        yield stand_in
    finally:
        await server.close()
