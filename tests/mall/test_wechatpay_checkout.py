"""WeChat Pay API v3 checkout against the local stand-in (tests/mall/standins/wechatpay.py):
native code URLs, JSAPI and mini-program parameters signed for wx.requestPayment, the channels
and payers refused before asking WeChat, refusals and network errors as ProviderUnavailable,
our request signatures and WeChat's answer signatures checked."""

from __future__ import annotations

import logging
import time
from datetime import datetime

import pytest

from tests.mall.standins._wechatpay_keys import APPID, MCHID, NOTIFY_URL, pem, session_keys
from tests.mall.wechatpay_provider import OPENID, payment_for, request, verify_rsa
from unionhub.errors import ValidationFailed
from unionhub.mall.providers.base import PayChannel, ProviderUnavailable
from unionhub.mall.providers.wechatpay import WeChatPayProvider
from unionhub.settings import get_settings


async def test_native_checkout_is_a_code_url_and_a_repeat_gets_the_same(provider, wechat):
    req = request(amount_fen=5000)
    checkout = await provider.create_payment(req)
    assert checkout.provider_ref == req.out_trade_no
    assert checkout.code_url.startswith("weixin://wxpay/bizpayurl?pr=")
    assert checkout.jsapi_params is None and checkout.client_secret is None
    sent = wechat.calls.payments[0]
    assert sent["appid"] == APPID and sent["mchid"] == MCHID
    assert sent["amount"] == {"total": 5000, "currency": "CNY"}
    assert sent["out_trade_no"] == req.out_trade_no and sent["notify_url"] == NOTIFY_URL
    assert "payer" not in sent
    # time_expire: the order's deadline, RFC 3339 in Beijing time
    assert sent["time_expire"].endswith("+08:00")
    assert datetime.fromisoformat(sent["time_expire"]) == req.expires_at.replace(microsecond=0)
    assert wechat.rejected_signatures == 0
    again = await provider.create_payment(req)
    assert again == checkout and len(wechat.trades) == 1
    assert wechat.ref_from_checkout({"codeUrl": checkout.code_url}) == req.out_trade_no


@pytest.mark.parametrize("channel", [PayChannel.JSAPI, PayChannel.MINI_PROGRAM])
async def test_jsapi_checkout_is_signed_for_wx_request_payment(provider, wechat, channel):
    checkout = await provider.create_payment(request(channel, openid=OPENID))
    params = checkout.jsapi_params
    assert checkout.code_url is None
    assert set(params) == {"appId", "timeStamp", "nonceStr", "package", "signType", "paySign"}
    assert params["appId"] == APPID and params["signType"] == "RSA"
    assert params["package"] == f"prepay_id={wechat.trades[checkout.provider_ref]['_prepay']['prepay_id']}"
    assert abs(int(params["timeStamp"]) - time.time()) < 60
    # What WeChat's client checks: RSA-SHA256 by the merchant key over these four lines.
    verify_rsa(session_keys().merchant, "\n".join(
        [params["appId"], params["timeStamp"], params["nonceStr"], params["package"]]) + "\n",
        params["paySign"])
    assert wechat.calls.payments[0]["payer"] == {"openid": OPENID}


async def test_a_mini_program_pays_under_its_own_appid(monkeypatch, wechat):
    monkeypatch.setattr(get_settings(), "wechatpay_miniprogram_appid", "wx_mini_program_01")
    provider = WeChatPayProvider(get_settings())
    try:
        mini = await provider.create_payment(request(PayChannel.MINI_PROGRAM, openid=OPENID))
        page = await provider.create_payment(request(PayChannel.JSAPI, openid=OPENID))
    finally:
        await provider.aclose()
    assert [p["appid"] for p in wechat.calls.payments] == ["wx_mini_program_01", APPID]
    assert (mini.jsapi_params["appId"], page.jsapi_params["appId"]) == ("wx_mini_program_01",
                                                                        APPID)
    verify_rsa(session_keys().merchant, "\n".join(
        [mini.jsapi_params[k] for k in ("appId", "timeStamp", "nonceStr", "package")]) + "\n",
        mini.jsapi_params["paySign"])


@pytest.mark.parametrize("channel", [PayChannel.JSAPI, PayChannel.MINI_PROGRAM])
async def test_jsapi_without_openid_is_refused_before_asking_wechat(provider, wechat, channel):
    with pytest.raises(ValidationFailed) as err:
        await provider.create_payment(request(channel))
    assert err.value.code == "PAYER_OPENID_REQUIRED" and err.value.field == "payerOpenId"
    assert wechat.calls.payments == []


async def test_alipay_channels_are_not_wechat_channels(provider, wechat):
    assert PayChannel.PAGE not in provider.channels
    with pytest.raises(ValidationFailed) as err:
        await provider.create_payment(request(PayChannel.PAGE))
    assert err.value.code == "CHANNEL_NOT_SUPPORTED"
    assert wechat.calls.payments == []


async def test_a_refusal_is_provider_unavailable_logging_the_code_only(provider, wechat, caplog):
    wechat.fail_next_payment = True
    with caplog.at_level(logging.WARNING), pytest.raises(ProviderUnavailable):
        await provider.create_payment(request())
    assert "NO_AUTH" in caplog.text
    keys = session_keys()
    assert keys.apiv3_key not in caplog.text and "PRIVATE KEY" not in caplog.text


async def test_a_network_error_is_provider_unavailable(provider, wechat):
    await provider.create_payment(request())  # certificates loaded
    wechat.unreachable = True
    with pytest.raises(ProviderUnavailable):
        await provider.create_payment(request())
    with pytest.raises(ProviderUnavailable):
        await provider.query(payment_for("UH99999999W"))


async def test_requests_signed_with_another_merchant_key_are_refused(monkeypatch, wechat):
    rogue = session_keys().rogue
    monkeypatch.setattr(get_settings(), "wechatpay_private_key", pem(rogue))
    provider = WeChatPayProvider(get_settings())
    try:
        with pytest.raises(ProviderUnavailable):  # the certificate download answers 401
            await provider.create_payment(request())
        assert wechat.rejected_signatures == 1 and wechat.calls.payments == []
    finally:
        await provider.aclose()


async def test_answers_not_signed_by_wechat_are_not_trusted(provider, wechat):
    await provider.create_payment(request())
    wechat.sign_answers_with = session_keys().rogue
    with pytest.raises(ProviderUnavailable):
        await provider.create_payment(request())
