"""Tencent Cloud SMS (API 2021-01-11, SendSms) through its official SDK,
tencentcloud-sdk-python-sms (its async client: httpx, TC3-HMAC-SHA256 signatures)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import urlsplit

from tencentcloud.common.credential import Credential
from tencentcloud.common.exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models as sms_models
from tencentcloud.sms.v20210111.sms_client_async import SmsClient

from unionhub.errors import ValidationFailed
from unionhub.identity.models import SmsPurpose
from unionhub.identity.provider_errors import ProviderUnavailable, never_sent
from unionhub.identity.sms_providers import outcome_unknown, template_for, unavailable
from unionhub.settings import Settings

log = logging.getLogger("unionhub.sms")
_BAD_NUMBER = {"InvalidParameterValue.IncorrectPhoneNumber"}
TIMEOUT_SECONDS = 5
T = TypeVar("T")


async def call_tencent(call: Awaitable[T], what: str,
                       unavailable_error: Callable[[], ProviderUnavailable],
                       unknown_error: Callable[[], ProviderUnavailable] | None = None) -> T:
    """One Tencent Cloud API call: an error answer or no answer at all becomes the product's
    ProviderUnavailable (`unknown_error`'s when given and the request may have been acted on),
    logged by its error code or exception class only (never the body)."""
    try:
        return await call
    except TencentCloudSDKException as refused:  # an error answer
        logging.getLogger("unionhub.providers").warning("tencent %s refused: %s", what,
                                                        refused.get_code())
        raise unavailable_error() from None
    except Exception as error:  # connection refused, timeout, unreadable answer
        logging.getLogger("unionhub.providers").warning("tencent %s unreachable: %s", what,
                                                        type(error).__name__)
        if unknown_error is not None and not never_sent(error):
            raise unknown_error() from None
        raise unavailable_error() from None


def client_profile(endpoint_url: str, timeout_seconds: int = TIMEOUT_SECONDS) -> ClientProfile:
    endpoint = urlsplit(endpoint_url)
    return ClientProfile(httpProfile=HttpProfile(
        protocol=endpoint.scheme or "https", endpoint=endpoint.netloc,
        reqTimeout=timeout_seconds, keepAlive=True))


class TencentSms:
    name = "tencent"

    def __init__(self, settings: Settings):
        self._settings = settings
        self._client = SmsClient(
            Credential(settings.tencentcloud_secret_id, settings.tencentcloud_secret_key),
            settings.tencentcloud_region,
            client_profile(settings.tencent_sms_endpoint, settings.sms_timeout_seconds))

    async def send_code(self, phone: str, code: str, purpose: SmsPurpose) -> None:
        request = sms_models.SendSmsRequest()
        request.PhoneNumberSet = [f"+86{phone}"]
        request.SmsSdkAppId = self._settings.tencent_sms_sdk_app_id
        request.SignName = self._settings.sms_sign_name
        request.TemplateId = template_for(self._settings, purpose)
        # The approved template takes two parameters: the code and its lifetime in minutes.
        request.TemplateParamSet = [code, str(self._settings.sms_code_ttl_seconds // 60)]
        response = await call_tencent(self._client.SendSms(request), "SMS", unavailable,
                                      outcome_unknown)
        statuses = response.SendStatusSet or []
        status = statuses[0].Code if statuses else None
        if status != "Ok":
            log.warning("tencent SMS not sent: %s", status)
            if status in _BAD_NUMBER:
                raise ValidationFailed("phone must be a mainland mobile number", field="phone",
                                       code="PHONE_FORMAT")
            raise unavailable()

    async def close(self) -> None:
        await self._client.close()
