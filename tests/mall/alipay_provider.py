"""The Alipay provider against its stand-in (tests/mall/standins/alipay.py), for the
test_alipay_* modules: `Rail` (the provider and the stand-in, with checkouts, a paid trade,
an unsaved payment row and parsing a notification) and the `ali` fixture that makes one
(tests/mall/conftest.py makes it the mall tests')."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from tests.mall.standins import Notification
from tests.mall.standins.alipay import AlipayStandIn, standin
from unionhub.clock import utcnow
from unionhub.mall.models import Payment, PaymentMethod
from unionhub.mall.providers.alipay import AlipayProvider
from unionhub.mall.providers.base import PayChannel, PaymentRequest
from unionhub.settings import get_settings


@dataclass
class Rail:
    provider: AlipayProvider
    alipay: AlipayStandIn
    n: int = 0

    async def checkout(self, amount_fen: int = 5000, channel: PayChannel = PayChannel.DEFAULT,
                       expires_at: datetime | None = None):
        self.n += 1
        request = PaymentRequest(
            order_id=self.n, method=PaymentMethod.ALIPAY, channel=channel,
            out_trade_no=f"UH{self.n:08d}ALIPAY", amount_fen=amount_fen,
            description=f"UnionHub mall order {self.n}",
            expires_at=expires_at or utcnow() + timedelta(minutes=30))
        return await self.provider.create_payment(request)

    async def paid(self, amount_fen: int = 5000) -> str:
        """A page payment the member opened and paid; its out_trade_no."""
        checkout = await self.checkout(amount_fen)
        ref = self.alipay.ref_from_checkout({"payUrl": checkout.pay_url})
        self.alipay.pay(ref)
        return ref

    def payment(self, ref: str, amount_fen: int = 5000, refund_ref: str | None = None,
                ) -> Payment:
        return Payment(order_id=1, method=PaymentMethod.ALIPAY, provider="alipay",
                       provider_ref=ref, amount_fen=amount_fen, refund_ref=refund_ref)

    async def parse(self, notification: Notification):
        return await self.provider.parse_notification(notification.headers, notification.body)


@pytest.fixture
async def ali(monkeypatch) -> AsyncIterator[Rail]:
    with standin(monkeypatch) as alipay:
        provider = AlipayProvider(get_settings())
        yield Rail(provider, alipay)
        await provider.aclose()
