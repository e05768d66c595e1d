"""Alipay checkouts against the Alipay stand-in: yuan and fen converted exactly; page, WAP
and app checkouts signed as Alipay expects, a tampered pay URL no longer verifying, the
channels of other rails refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.mall.alipay_provider import Rail
from tests.mall.standins.alipay import APP_ID, GATEWAY, NOTIFY_URL, RETURN_URL
from unionhub.clock import SHANGHAI, utcnow
from unionhub.mall.providers.alipay import fen_from_yuan, yuan
from unionhub.mall.providers.base import PayChannel


def test_yuan_conversion_is_exact() -> None:
    assert [yuan(f) for f in (1, 10, 5000, 123456, 999999999)] == [
        "0.01", "0.10", "50.00", "1234.56", "9999999.99"]
    assert [fen_from_yuan(y) for y in ("0.01", "0.1", "50", "1234.56", "9999999.99")] == [
        1, 10, 5000, 123456, 999999999]
    for bad in ("1.005", "-1.00", "1e3", "NaN", " 1.00", "", 12.5, None):
        with pytest.raises(ValueError):
            fen_from_yuan(bad)


# --- checkouts ------------------------------------------------------------------------------

async def test_page_checkout_is_a_signed_gateway_url(ali: Rail) -> None:
    expires = datetime(2030, 5, 1, 4, 30, tzinfo=UTC)  # 12:30 in Beijing
    checkout = await ali.checkout(123456, expires_at=expires)
    assert checkout.pay_url.startswith(GATEWAY + "?")
    assert checkout.order_string is None and checkout.client_secret is None
    params = ali.alipay.checkout_params(checkout.pay_url)  # asserts the app's signature
    biz = json.loads(params["biz_content"])
    assert params["method"] == "alipay.trade.page.pay" and params["app_id"] == APP_ID
    assert params["sign_type"] == "RSA2" and params["charset"] == "utf-8"
    assert params["notify_url"] == NOTIFY_URL and params["return_url"] == RETURN_URL
    assert biz == {"out_trade_no": checkout.provider_ref, "total_amount": "1234.56",
                   "subject": "UnionHub mall order 1", "product_code": "FAST_INSTANT_TRADE_PAY",
                   "time_expire": "2030-05-01 12:30:00"}
    # The request is stamped in Beijing time, whatever the server's zone.
    stamped = datetime.strptime(params["timestamp"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)
    assert abs(stamped - utcnow()) < timedelta(minutes=1)
    assert ali.alipay.ref_from_checkout({"payUrl": checkout.pay_url}) == checkout.provider_ref


async def test_a_tampered_pay_url_no_longer_verifies(ali: Rail) -> None:
    checkout = await ali.checkout(5000)
    tampered = checkout.pay_url.replace("50.00", "0.01")
    assert tampered != checkout.pay_url
    with pytest.raises(AssertionError, match="does not verify"):
        ali.alipay.checkout_params(tampered)


async def test_wap_and_app_checkouts(ali: Rail) -> None:
    wap = await ali.checkout(1, channel=PayChannel.WAP)
    params = ali.alipay.checkout_params(wap.pay_url)
    assert params["method"] == "alipay.trade.wap.pay"
    assert json.loads(params["biz_content"])["product_code"] == "QUICK_WAP_PAY"
    assert json.loads(params["biz_content"])["total_amount"] == "0.01"

    app = await ali.checkout(5000, channel=PayChannel.APP)
    assert app.pay_url is None and app.order_string
    params = ali.alipay.checkout_params(app.order_string)
    biz = json.loads(params["biz_content"])
    assert params["method"] == "alipay.trade.app.pay" and "return_url" not in params
    assert params["notify_url"] == NOTIFY_URL
    assert biz["product_code"] == "QUICK_MSECURITY_PAY" and biz["total_amount"] == "50.00"
    assert app.provider_ref == biz["out_trade_no"]


async def test_channels_of_other_rails_are_refused(ali: Rail) -> None:
    assert PayChannel.NATIVE not in ali.provider.channels
    with pytest.raises(ValueError, match="NATIVE"):
        await ali.checkout(channel=PayChannel.NATIVE)
