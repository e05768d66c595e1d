"""The WeChat Pay provider's settings: missing ones are named, never their values; unusable
keys, URLs and key ids refused; keys from files; the start-up check."""

from __future__ import annotations

import pytest

from tests.mall.standins._wechatpay_keys import session_keys, settings_for
from unionhub.mall.providers import check_configuration
from unionhub.mall.providers.base import PaymentConfigurationError
from unionhub.mall.providers.wechatpay import WeChatPayProvider
from unionhub.settings import Settings

ENV_NAMES = ["UNIONHUB_WECHATPAY_MCHID", "UNIONHUB_WECHATPAY_APPID",
             "UNIONHUB_WECHATPAY_CERT_SERIAL_NO", "UNIONHUB_WECHATPAY_PRIVATE_KEY",
             "UNIONHUB_WECHATPAY_APIV3_KEY", "UNIONHUB_WECHATPAY_NOTIFY_URL"]


def test_missing_settings_are_named_never_their_values():
    settings = Settings(payment_providers={"WECHAT_PAY": "wechatpay"},
                        wechatpay_appid="wx-secret-looking-appid",
                        wechatpay_apiv3_key="short-secret-apiv3-value")
    with pytest.raises(PaymentConfigurationError) as err:
        WeChatPayProvider(settings)
    message = str(err.value)
    for name in ENV_NAMES:
        if name != "UNIONHUB_WECHATPAY_APPID":
            assert name in message
    assert "UNIONHUB_WECHATPAY_APPID" not in message  # given
    assert "wx-secret-looking-appid" not in message and "short-secret-apiv3-value" not in message


@pytest.mark.parametrize(("over", "named"), [
    ({"wechatpay_private_key": "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----"},
     "UNIONHUB_WECHATPAY_PRIVATE_KEY"),
    ({"wechatpay_private_key": None, "wechatpay_private_key_file": "/nonexistent/apiclient_key.pem"},
     "UNIONHUB_WECHATPAY_PRIVATE_KEY_FILE"),
    ({"wechatpay_apiv3_key": "x" * 31}, "UNIONHUB_WECHATPAY_APIV3_KEY"),
    ({"wechatpay_notify_url": "http://mall.unionhub.test/webhooks/wechatpay"},
     "UNIONHUB_WECHATPAY_NOTIFY_URL"),
    ({"wechatpay_public_key_id": "PUB_KEY_ID_0119000091912025010100000000000001"},
     "UNIONHUB_WECHATPAY_PUBLIC_KEY"),
])
def test_unusable_settings_are_refused(over, named):
    values = settings_for(session_keys(), **over)
    with pytest.raises(PaymentConfigurationError) as err:
        WeChatPayProvider(Settings(**values))
    assert named in str(err.value)
    assert session_keys().apiv3_key not in str(err.value)
    # nothing chained that could print the key
    assert err.value.__cause__ is None
    assert err.value.__context__ is None or err.value.__suppress_context__


def test_keys_from_files(tmp_path):
    keys = session_keys()
    key_file = tmp_path / "apiclient_key.pem"
    key_file.write_text(keys.merchant_pem)
    WeChatPayProvider(Settings(**settings_for(keys, wechatpay_private_key=None,
                                              wechatpay_private_key_file=str(key_file))))


def test_start_up_check_refuses_a_configured_wechatpay_without_keys():
    settings = Settings(payment_providers={"WECHAT_PAY": "wechatpay"})
    with pytest.raises(PaymentConfigurationError) as err:
        check_configuration(settings)
    assert "UNIONHUB_WECHATPAY_MCHID" in str(err.value)
    ready = Settings(payment_providers={"WECHAT_PAY": "wechatpay"},
                     **settings_for(session_keys()))
    assert "wechatpay" in check_configuration(ready)
    # WeChat Pay not configured: its settings are not needed
    assert "wechatpay" not in check_configuration(Settings())
