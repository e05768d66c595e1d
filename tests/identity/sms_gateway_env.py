"""The settings that point the SMS sender at the Alibaba Cloud or Tencent Cloud stand-in, for
the SMS gateway and timeout tests."""

from __future__ import annotations

from tests.identity.standins import aliyun, tencent


def aliyun_env(url: str) -> dict[str, str]:
    return {
        "UNIONHUB_SMS_PROVIDER": "aliyun",
        "UNIONHUB_ALIYUN_ACCESS_KEY_ID": aliyun.ACCESS_KEY_ID,
        "UNIONHUB_ALIYUN_ACCESS_KEY_SECRET": aliyun.ACCESS_KEY_SECRET,
        "UNIONHUB_ALIYUN_SMS_ENDPOINT": url,
        "UNIONHUB_SMS_SIGN_NAME": aliyun.SIGN_NAME,
        "UNIONHUB_SMS_TEMPLATE_ID": aliyun.TEMPLATE_CODE,
    }


TENCENT_ENV = {
    "UNIONHUB_SMS_PROVIDER": "tencent",
    "UNIONHUB_TENCENTCLOUD_SECRET_ID": tencent.SECRET_ID,
    "UNIONHUB_TENCENTCLOUD_SECRET_KEY": tencent.SECRET_KEY,
    "UNIONHUB_TENCENT_SMS_SDK_APP_ID": tencent.SDK_APP_ID,
    "UNIONHUB_SMS_SIGN_NAME": tencent.SIGN_NAME,
    "UNIONHUB_SMS_TEMPLATE_ID": tencent.TEMPLATE_ID,
}
