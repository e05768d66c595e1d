"""The WeChat Pay provider against its stand-in (tests/mall/standins/wechatpay.py), for the
test_wechatpay_* modules: the `wechat` and `provider` fixtures (tests/mall/conftest.py makes
them the mall tests'), payment requests, a paid trade, an unsaved payment row, checking
WeChat's client-side signature, and a notification's parts or tampered envelope."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from tests.mall.standins import Notification
from tests.mall.standins.wechatpay import WeChatPayStandIn, standin
from unionhub.mall.models import Payment, PaymentMethod
from unionhub.mall.providers.base import PayChannel, PaymentRequest
from unionhub.mall.providers.wechatpay import WeChatPayProvider
from unionhub.settings import get_settings

OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


@pytest.fixture
def wechat(monkeypatch) -> Iterator[WeChatPayStandIn]:
    with standin(monkeypatch) as stand_in:
        yield stand_in


@pytest.fixture
async def provider(wechat) -> AsyncIterator[WeChatPayProvider]:
    built = WeChatPayProvider(get_settings())
    yield built
    await built.aclose()


_numbers = iter(range(1, 10**6))


def request(channel: PayChannel = PayChannel.DEFAULT, *, amount_fen: int = 5000,
            openid: str | None = None) -> PaymentRequest:
    n = next(_numbers)
    return PaymentRequest(
        order_id=n, method=PaymentMethod.WECHAT_PAY, channel=channel,
        out_trade_no=f"UH{n:08d}W", amount_fen=amount_fen, description=f"UnionHub 商城订单 {n}",
        expires_at=datetime.now(UTC) + timedelta(minutes=30), payer_openid=openid)


def payment_for(ref: str, amount_fen: int = 5000, refund_ref: str | None = None) -> Payment:
    # An unsaved row: providers read a payment, they never touch the database.
    return Payment(order_id=1, method=PaymentMethod.WECHAT_PAY, provider="wechatpay",
                   provider_ref=ref, amount_fen=amount_fen, refund_ref=refund_ref)


async def paid(provider: WeChatPayProvider, wechat: WeChatPayStandIn,
               amount_fen: int = 5000) -> str:
    checkout = await provider.create_payment(request(amount_fen=amount_fen))
    wechat.pay(checkout.provider_ref)
    return checkout.provider_ref


def verify_rsa(pem_key: Any, message: str, signature: str) -> None:
    pem_key.public_key().verify(base64.b64decode(signature), message.encode(),
                                padding.PKCS1v15(), hashes.SHA256())


def _parts(note: Notification) -> dict[str, Any]:
    return {"headers": note.headers, "body": note.body}


def _tampered(note: Notification) -> Notification:
    envelope = json.loads(note.body)
    sealed = bytearray(base64.b64decode(envelope["resource"]["ciphertext"]))
    sealed[0] ^= 1
    envelope["resource"]["ciphertext"] = base64.b64encode(bytes(sealed)).decode()
    return envelope
