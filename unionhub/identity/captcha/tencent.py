"""Tencent Cloud Captcha's ticket check (DescribeCaptchaResult, API 2019-07-22) through
tencentcloud-sdk-python-captcha's async client (httpx, TC3-HMAC-SHA256)."""

from __future__ import annotations

import logging

from tencentcloud.captcha.v20190722 import models as captcha_models
from tencentcloud.captcha.v20190722.captcha_client_async import CaptchaClient
from tencentcloud.common.credential import Credential

from unionhub.identity.captcha import CaptchaProof, unavailable
from unionhub.identity.sms_providers.tencent import call_tencent, client_profile
from unionhub.settings import Settings

log = logging.getLogger("unionhub.captcha")
CAPTCHA_TYPE = 9  # the API's fixed value
OK = 1
# 26: the service's own internal error; every other CaptchaCode (7 randstr mismatch, 8 expired,
# 9 reused, 15 undecryptable, 16 wrong app, 21 risk control, 100 wrong key, ...) is a ticket
# that does not pass.
_SERVICE_FAILING = {26}


class TencentCaptcha:
    name = "tencent"
    single_use = True

    def __init__(self, settings: Settings):
        self._app_id = int(settings.tencent_captcha_app_id or 0)
        self._app_key = settings.tencent_captcha_app_secret_key
        self._client = CaptchaClient(
            Credential(settings.tencentcloud_secret_id, settings.tencentcloud_secret_key),
            "", client_profile(settings.tencent_captcha_endpoint))

    async def check(self, proof: CaptchaProof, client_ip: str) -> bool:
        request = captcha_models.DescribeCaptchaResultRequest()
        request.CaptchaType = CAPTCHA_TYPE
        request.Ticket = proof.ticket
        request.Randstr = proof.randstr
        request.UserIp = client_ip
        request.CaptchaAppId = self._app_id
        request.AppSecretKey = self._app_key
        response = await call_tencent(self._client.DescribeCaptchaResult(request), "captcha",
                                      unavailable)
        if response.CaptchaCode == OK:
            return True
        if response.CaptchaCode in _SERVICE_FAILING:
            log.warning("tencent captcha cannot answer: %s", response.CaptchaCode)
            raise unavailable()
        return False

    async def close(self) -> None:
        await self._client.close()
