"""Alibaba Cloud SMS (dysmsapi 2017-05-25, SendSms) through its official SDK,
alibabacloud_dysmsapi20170525 (async calls over aiohttp, ACS3-HMAC-SHA256 signatures)."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

from alibabacloud_dysmsapi20170525 import models as dysms
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.runtime import RuntimeOptions

from unionhub.errors import ValidationFailed
from unionhub.identity.models import SmsPurpose
from unionhub.identity.provider_errors import never_sent
from unionhub.identity.sms_providers import outcome_unknown, template_for, unavailable
from unionhub.settings import Settings

log = logging.getLogger("unionhub.sms")
# Codes meaning "this is not a mobile number we can text"; every other refusal is ours to
# retry later (quota, flow control, signature or template under review, gateway errors).
_BAD_NUMBER = {"isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT"}


class AliyunSms:
    name = "aliyun"

    def __init__(self, settings: Settings):
        endpoint = urlsplit(settings.aliyun_sms_endpoint)
        self._settings = settings
        self._client = Client(Config(
            access_key_id=settings.aliyun_access_key_id,
            access_key_secret=settings.aliyun_access_key_secret,
            endpoint=endpoint.netloc, protocol=endpoint.scheme or "https",
        ))

    async def send_code(self, phone: str, code: str, purpose: SmsPurpose) -> None:
        request = dysms.SendSmsRequest(
            phone_numbers=phone, sign_name=self._settings.sms_sign_name,
            template_code=template_for(self._settings, purpose),
            template_param=json.dumps({"code": code}),
        )
        # One attempt: the caller answers SMS_PROVIDER_UNAVAILABLE and the app retries.
        timeout_ms = self._settings.sms_timeout_seconds * 1000
        runtime = RuntimeOptions(autoretry=False, max_attempts=1, connect_timeout=timeout_ms,
                                 read_timeout=timeout_ms)
        try:
            response = await self._client.send_sms_with_options_async(request, runtime)
        except AlibabaCloudException as refused:  # an error answer (HTTP 4xx/5xx)
            log.warning("aliyun SMS refused: %s", refused.code)
            if refused.code in _BAD_NUMBER:
                raise _bad_number() from None
            raise unavailable() from None
        except Exception as error:  # connection refused, timeout, unreadable answer
            log.warning("aliyun SMS unreachable: %s", type(error).__name__)
            # (darabonba re-raises aiohttp's errors as RetryError: the cause is its context)
            raise (unavailable() if never_sent(error) else outcome_unknown()) from None
        body = response.body
        if body is None or body.code != "OK":
            status = body.code if body is not None else None
            log.warning("aliyun SMS not sent: %s", status)
            if status in _BAD_NUMBER:
                raise _bad_number()
            raise unavailable()

    async def close(self) -> None:
        return None


def _bad_number() -> ValidationFailed:
    return ValidationFailed("phone must be a mainland mobile number", field="phone",
                            code="PHONE_FORMAT")
