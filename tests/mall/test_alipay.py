"""The Alipay provider against the Alipay stand-in: checkouts signed as Alipay expects,
notifications verified (forged, foreign, tampered, stale ones refused), refunds and queries
through the signed gateway, and the start-up refusal when keys are missing."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest

from tests.mall.standins import Notification
from tests.mall.standins.alipay import (
    APP_ID,
    GATEWAY,
    NOTIFY_URL,
    RETURN_URL,
    AlipayStandIn,
    configure,
    keys,
    now_text,
    signing_text,
    standin,
)
from unionhub.clock import SHANGHAI, utcnow
from unionhub.mall import providers
from unionhub.mall.models import Payment, PaymentMethod
from unionhub.mall.providers.alipay import AlipayProvider, fen_from_yuan, yuan
from unionhub.mall.providers.base import (
    FactKind,
    InvalidNotification,
    PayChannel,
    PaymentConfigurationError,
    PaymentRequest,
    ProviderUnavailable,
    RefundRefused,
    query_event_id,
)
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


# --- notifications --------------------------------------------------------------------------

async def test_success_notification(ali: Rail) -> None:
    ref = await ali.paid(5000)
    notification = ali.alipay.success_notification(ref, notification_id="2024notify0001")
    fact = await ali.parse(notification)
    assert fact.kind == FactKind.SUCCEEDED and fact.event_id == "2024notify0001"
    assert fact.provider_ref == ref and fact.amount_fen == 5000 and fact.currency == "cny"
    assert fact.event_type == "TRADE_SUCCESS"
    assert fact.detail["trade_no"] == ali.alipay.trades[ref].trade_no


async def test_the_amount_paid_is_what_alipay_signed(ali: Rail) -> None:
    checkout = await ali.checkout(5000)
    ref = ali.alipay.ref_from_checkout({"payUrl": checkout.pay_url})
    ali.alipay.pay(ref, amount_fen=4999)  # the core compares it with the order
    fact = await ali.parse(ali.alipay.success_notification(ref))
    assert fact.kind == FactKind.SUCCEEDED and fact.amount_fen == 4999


@pytest.mark.parametrize(("status", "refund_fen", "kind", "full"), [
    ("TRADE_FINISHED", None, FactKind.SUCCEEDED, True),
    ("WAIT_BUYER_PAY", None, None, True),
    ("TRADE_CLOSED", None, FactKind.CLOSED, True),  # final: the trade takes no more money
    ("TRADE_SUCCESS", 1000, FactKind.REFUNDED, False),  # a partial refund
    ("TRADE_SUCCESS", 5000, FactKind.REFUNDED, True),
    ("TRADE_CLOSED", 5000, FactKind.REFUNDED, True),  # a full refund closes the trade
])
async def test_trade_status_mapping(ali: Rail, status: str, refund_fen: int | None,
                                    kind: FactKind | None, full: bool) -> None:
    ref = await ali.paid(5000)
    if refund_fen:
        ali.alipay.trades[ref].refunds[f"{ref}R"] = refund_fen
    fact = await ali.parse(ali.alipay.notification(ref, trade_status=status))
    assert fact.kind == kind and fact.provider_ref == ref and fact.event_type == status
    if kind == FactKind.REFUNDED:
        assert fact.amount_fen == refund_fen and fact.full_refund is full
        assert fact.detail["out_biz_no"] == f"{ref}R"
    if kind == FactKind.CLOSED:
        assert fact.failure_code == "TRADE_CLOSED"


async def test_refund_notification_of_the_stand_in(ali: Rail) -> None:
    ref = await ali.paid(5000)
    fact = await ali.parse(ali.alipay.refund_notification(ref))
    assert fact.kind == FactKind.REFUNDED and fact.full_refund and fact.amount_fen == 5000


async def test_other_notify_types_are_verified_but_not_acted_on(ali: Rail) -> None:
    ref = await ali.paid()
    fact = await ali.parse(ali.alipay.notification(ref, notify_type="trade_settle_sync"))
    assert fact.kind is None


def _edit(notification: Notification, **over: str) -> Notification:
    """Change fields after signing: what a forger without Alipay's key can do."""
    params = dict(parse_qsl(notification.body.decode(), keep_blank_values=True))
    params.update(over)
    return Notification(headers=notification.headers, body=urlencode(params).encode())


REFUSALS = {
    "forged": lambda a, ref: a.forge(a.success_notification(ref)),
    "signed by our own app key": lambda a, ref: a.notification(ref, key="app"),
    "tampered amount": lambda a, ref: _edit(a.success_notification(ref), total_amount="0.01"),
    "tampered status": lambda a, ref: _edit(a.notification(ref, trade_status="TRADE_CLOSED"),
                                            trade_status="TRADE_SUCCESS"),
    "another app_id": lambda a, ref: a.notification(ref, app_id="2021999999999999"),
    "sign_type RSA": lambda a, ref: a.notification(ref, sign_type="RSA"),
    "sign_type removed": lambda a, ref: a.notification(ref, drop=("sign_type",)),
    "unsigned": lambda a, ref: _edit(a.success_notification(ref), sign=""),
    "signature not base64": lambda a, ref: _edit(a.success_notification(ref), sign="%%%"),
    "stale": lambda a, ref: a.stale(ref),
    "from the future": lambda a, ref: a.notification(
        ref, notify_time=now_text(timedelta(hours=1))),
    "no notify_time": lambda a, ref: a.notification(ref, drop=("notify_time",)),
    "no notify_id": lambda a, ref: a.notification(ref, drop=("notify_id",)),
    "malformed amount": lambda a, ref: a.notification(ref, total_amount="50.001"),
    "repeated parameter": lambda a, ref: Notification(
        headers={}, body=b"total_amount=0.01&" + a.success_notification(ref).body),
    "not a form": lambda a, ref: Notification(headers={}, body=b"\xff\xfe{}"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
async def test_refused_notifications(ali: Rail, case: str) -> None:
    ref = await ali.paid(5000)
    notification = REFUSALS[case](ali.alipay, ref)
    with pytest.raises(InvalidNotification) as refused:
        await ali.parse(notification)
    assert ref not in str(refused.value) and "50.00" not in str(refused.value)


async def test_a_notification_within_the_window_is_taken(ali: Rail) -> None:
    # 30 hours: Alipay's last redelivery (about 25 h after the first) must still be taken.
    ref = await ali.paid()
    late = ali.alipay.notification(ref, notify_time=now_text(timedelta(hours=-30)))
    assert (await ali.parse(late)).kind == FactKind.SUCCEEDED


def test_signing_text_follows_the_documented_rules() -> None:
    params = {"b": "2", "a": "x y", "sign": "S", "sign_type": "RSA2", "empty": ""}
    assert signing_text(params, notification=True) == "a=x y&b=2&empty="
    assert signing_text(params, notification=False) == "a=x y&b=2&sign_type=RSA2"


async def test_acknowledge(ali: Rail) -> None:
    for outcome in ("applied", "duplicate", "ignored"):
        response = ali.provider.acknowledge(outcome)
        assert response.status_code == 200 and response.body == b"success"
        assert ali.alipay.accepted(httpx.Response(200, content=response.body))
    refused = ali.provider.acknowledge(None)
    assert refused.status_code == 400 and refused.body == b"fail"
    assert not ali.alipay.accepted(httpx.Response(400, content=refused.body))


# --- refunds and queries --------------------------------------------------------------------

async def test_refund_then_repeat(ali: Rail) -> None:
    ref = await ali.paid(5000)
    result = await ali.provider.refund(ali.payment(ref), "库存不足")
    assert result.completed and result.refund_ref == f"{ref}R"
    method, biz = ali.alipay.requests[-1]
    assert method == "alipay.trade.refund"
    assert biz == {"out_trade_no": ref, "refund_amount": "50.00", "out_request_no": f"{ref}R",
                   "refund_reason": "库存不足"}
    assert ali.alipay.trades[ref].status == "TRADE_CLOSED"

    again = await ali.provider.refund(ali.payment(ref), None)  # fund_change "N"
    assert again.completed and again.refund_ref == f"{ref}R"
    assert [m for m, _ in ali.alipay.requests[-2:]] == [
        "alipay.trade.refund", "alipay.trade.fastpay.refund.query"]
    assert ali.alipay.trades[ref].refunded_fen == 5000  # the money went back once
    assert ali.alipay.calls.refunds == [ref, ref]


async def test_refund_refused_by_alipay_for_good_ends_it(ali: Rail, caplog) -> None:
    checkout = await ali.checkout()
    ref = ali.alipay.ref_from_checkout({"payUrl": checkout.pay_url})
    ali.alipay.trades[ref].opened = True  # opened but unpaid: Alipay will never refund it
    with caplog.at_level(logging.WARNING), pytest.raises(RefundRefused) as refused:
        await ali.provider.refund(ali.payment(ref), None)
    assert refused.value.code == "ACQ.TRADE_STATUS_ERROR"
    assert "ACQ.TRADE_STATUS_ERROR" in caplog.text and "交易状态不合法" not in caplog.text
    # A refusal that may pass (the gateway down, unsigned errors) stays "ask again later".
    ali.alipay.fail_next_call = "http"
    with pytest.raises(ProviderUnavailable):
        await ali.provider.refund(ali.payment(ref), None)


async def test_query(ali: Rail) -> None:
    checkout = await ali.checkout(5000)
    ref = ali.alipay.ref_from_checkout({"payUrl": checkout.pay_url})
    assert await ali.provider.query(ali.payment(ref)) is None  # ACQ.TRADE_NOT_EXIST
    ali.alipay.trades[ref].opened = True
    assert await ali.provider.query(ali.payment(ref)) is None  # WAIT_BUYER_PAY
    ali.alipay.pay(ref, amount_fen=4990)
    fact = await ali.provider.query(ali.payment(ref))
    assert fact.kind == FactKind.SUCCEEDED and fact.amount_fen == 4990 and fact.currency == "cny"
    assert fact.event_id == query_event_id(ref, FactKind.SUCCEEDED) and fact.provider_ref == ref
    assert ali.alipay.calls.queries == [ref, ref, ref]


async def test_query_closed_trade(ali: Rail) -> None:
    checkout = await ali.checkout()
    ref = ali.alipay.ref_from_checkout({"payUrl": checkout.pay_url})
    ali.alipay.close(ref)
    fact = await ali.provider.query(ali.payment(ref))
    assert fact.kind == FactKind.CLOSED and fact.failure_code == "TRADE_CLOSED"
    assert fact.event_id == query_event_id(ref, FactKind.CLOSED)


async def test_query_refund(ali: Rail) -> None:
    ref = await ali.paid(5000)
    payment = ali.payment(ref, refund_ref=f"{ref}R")
    assert await ali.provider.query_refund(payment) is None  # no refund_status yet
    ali.alipay.refund_notification(ref)  # the refund completes at Alipay
    fact = await ali.provider.query_refund(payment)
    assert fact.kind == FactKind.REFUNDED and fact.full_refund and fact.amount_fen == 5000
    assert fact.event_id == query_event_id(ref, FactKind.REFUNDED)
    method, biz = ali.alipay.requests[-1]
    assert method == "alipay.trade.fastpay.refund.query"
    assert biz == {"out_trade_no": ref, "out_request_no": f"{ref}R"}


@pytest.mark.parametrize("failure", ["signature", "http"])
async def test_gateway_errors_are_unavailable(ali: Rail, failure: str, caplog) -> None:
    ref = await ali.paid()
    ali.alipay.fail_next_call = failure
    with caplog.at_level(logging.WARNING), pytest.raises(ProviderUnavailable):
        await ali.provider.query(ali.payment(ref))
    if failure == "signature":
        assert "isv.invalid-signature" in caplog.text and "验签" not in caplog.text
    assert (await ali.provider.query(ali.payment(ref))).kind == FactKind.SUCCEEDED


async def test_network_error_is_unavailable(ali: Rail, monkeypatch) -> None:
    ref = await ali.paid()

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    monkeypatch.setattr(ali.alipay, "gateway", unreachable)
    with pytest.raises(ProviderUnavailable):
        await ali.provider.refund(ali.payment(ref), None)


async def test_an_answer_not_signed_by_alipay_is_refused(ali: Rail, monkeypatch) -> None:
    ref = await ali.paid()
    # A man in the middle: a plausible TRADE_SUCCESS answer signed with another key.
    text = json.dumps({"code": "10000", "msg": "Success", "out_trade_no": ref,
                       "trade_status": "TRADE_SUCCESS", "total_amount": "50.00"},
                      separators=(",", ":"))
    forged = f'{{"alipay_trade_query_response":{text},"sign":"{keys("forger").sign(text)}"}}'
    monkeypatch.setattr(ali.alipay, "gateway", lambda request: httpx.Response(200, text=forged))
    with pytest.raises(ProviderUnavailable):
        await ali.provider.query(ali.payment(ref))


async def test_requests_signed_with_another_key_are_refused_by_the_gateway(monkeypatch) -> None:
    with standin(monkeypatch) as alipay:
        configure(monkeypatch, alipay_app_private_key=keys("forger").private_pem)
        provider = AlipayProvider(get_settings())
        try:
            with pytest.raises(ProviderUnavailable):
                await provider.query(Payment(provider_ref="UH1", amount_fen=1))
        finally:
            await provider.aclose()
        assert alipay.requests == []


# --- configuration --------------------------------------------------------------------------

def _armourless(pem: str) -> str:
    return "".join(line for line in pem.splitlines() if not line.startswith("-----"))


async def test_keys_from_files_and_bare_base64(monkeypatch, tmp_path) -> None:
    private_file = tmp_path / "app_private_key.pem"
    private_file.write_text(keys("app").private_pem)
    settings = configure(monkeypatch, alipay_app_private_key=None,
                         alipay_app_private_key_file=str(private_file),
                         alipay_public_key=_armourless(keys("alipay").public_pem))
    provider = AlipayProvider(settings)
    await provider.aclose()
    assert base64.b64decode(_armourless(keys("alipay").public_pem))  # really bare base64


@pytest.mark.parametrize(("over", "named"), [
    ({"alipay_app_id": None}, ["UNIONHUB_ALIPAY_APP_ID"]),
    ({"alipay_app_private_key": None, "alipay_public_key": None},
     ["UNIONHUB_ALIPAY_APP_PRIVATE_KEY", "UNIONHUB_ALIPAY_PUBLIC_KEY"]),
    ({"alipay_notify_url": None}, ["UNIONHUB_ALIPAY_NOTIFY_URL"]),
    ({"alipay_app_private_key": "-----BEGIN RSA PRIVATE KEY-----\nnot a key\n"},
     ["UNIONHUB_ALIPAY_APP_PRIVATE_KEY"]),
    ({"alipay_app_private_key": "@@not base64@@"}, ["UNIONHUB_ALIPAY_APP_PRIVATE_KEY"]),
    ({"alipay_app_private_key": keys("app").public_pem}, ["UNIONHUB_ALIPAY_APP_PRIVATE_KEY"]),
    ({"alipay_public_key": keys("alipay").private_pem}, ["UNIONHUB_ALIPAY_PUBLIC_KEY"]),
    ({"alipay_public_key": None, "alipay_public_key_file": "/nonexistent/alipay.pem"},
     ["UNIONHUB_ALIPAY_PUBLIC_KEY_FILE"]),
])
def test_start_up_refused_without_usable_keys(monkeypatch, over: dict, named: list[str]) -> None:
    settings = configure(monkeypatch, **over)
    with pytest.raises(PaymentConfigurationError) as refused:
        providers.check_configuration(settings)
    message = str(refused.value)
    for name in named:
        assert name in message
    for secret in (keys("app").private_pem, keys("alipay").public_pem, APP_ID, NOTIFY_URL,
                   "not a key", "/nonexistent"):
        assert secret not in message
    assert _armourless(keys("app").private_pem)[:40] not in message


def test_alipay_not_configured_is_not_built(monkeypatch) -> None:
    settings = configure(monkeypatch, alipay_app_id=None)
    monkeypatch.setattr(settings, "payment_providers", {})
    assert "alipay" not in providers.configured_names(settings)
