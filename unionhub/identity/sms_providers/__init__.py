"""SMS gateways behind one interface, chosen by UNIONHUB_SMS_PROVIDER: `aliyun` (Alibaba Cloud
SMS, dysmsapi 2017-05-25), `tencent` (Tencent Cloud SMS 2021-01-11), and `sandbox` (sends
nothing; keeps the codes for `unionhub sandbox sms PHONE`; refused in production).

A provider sends one verification code. It raises `ProviderUnavailable`
(SMS_PROVIDER_UNAVAILABLE, retryable) when the gateway cannot be reached or refuses for a
reason of its own, its subclass `OutcomeUnknown` when the request went out and no answer came
(a timeout after `UNIONHUB_SMS_TIMEOUT_SECONDS`: the message may have been sent), and
`ValidationFailed` (PHONE_FORMAT) when the gateway says the number is not a mobile number.
It never logs the phone or the code.
"""

from __future__ import annotations

import logging
from typing import Protocol

from unionhub.identity.models import SmsPurpose
from unionhub.identity.provider_errors import OutcomeUnknown, ProviderUnavailable, require
from unionhub.settings import Settings, get_settings

UNAVAILABLE = "SMS_PROVIDER_UNAVAILABLE"
# Both vendors' SDKs log whole requests at DEBUG (Tencent Cloud's body, Alibaba Cloud's query
# string): the phone, the code, the name and the ID number. Never below WARNING, whatever the
# root logger's level.
for _sdk_logger in ("tencentcloud_sdk_common", "darabonba-core"):
    logging.getLogger(_sdk_logger).setLevel(logging.WARNING)


class SmsProvider(Protocol):
    name: str

    async def send_code(self, phone: str, code: str, purpose: SmsPurpose) -> None: ...

    async def close(self) -> None: ...


def unavailable() -> ProviderUnavailable:
    return ProviderUnavailable("the SMS service is unavailable; try again shortly",
                               code=UNAVAILABLE)


def outcome_unknown() -> OutcomeUnknown:
    return OutcomeUnknown("the SMS service is unavailable; try again shortly", code=UNAVAILABLE)


def template_for(settings: Settings, purpose: SmsPurpose) -> str:
    return settings.sms_templates.get(purpose.value) or settings.sms_template_id or ""


_REQUIRED = {
    "aliyun": ["aliyun_access_key_id", "aliyun_access_key_secret", "sms_sign_name"],
    "tencent": ["tencentcloud_secret_id", "tencentcloud_secret_key", "tencent_sms_sdk_app_id",
                "sms_sign_name"],
    "sandbox": [],
}


def check_configuration(settings: Settings) -> None:
    require(settings, _REQUIRED[settings.sms_provider], f"{settings.sms_provider} SMS")
    if settings.sms_provider != "sandbox" and not (
            settings.sms_template_id
            or all(p.value in settings.sms_templates for p in SmsPurpose)):
        require(settings, ["sms_template_id"], f"{settings.sms_provider} SMS")


_provider: SmsProvider | None = None


def get_sms_provider() -> SmsProvider:
    """The configured provider, built once per process."""
    global _provider
    if _provider is None:
        settings = get_settings()
        check_configuration(settings)
        if settings.sms_provider == "aliyun":
            from unionhub.identity.sms_providers.aliyun import AliyunSms

            _provider = AliyunSms(settings)
        elif settings.sms_provider == "tencent":
            from unionhub.identity.sms_providers.tencent import TencentSms

            _provider = TencentSms(settings)
        else:
            from unionhub.identity.sms_providers.sandbox import SandboxSmsProvider

            _provider = SandboxSmsProvider()
    return _provider


async def reset_sms_provider() -> None:
    global _provider
    if _provider is not None:
        await _provider.close()
    _provider = None
