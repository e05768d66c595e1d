"""An Alipay stand-in: the openapi gateway and the asynchronous notifications, in Alipay's
documented formats, signed and checked independently of the SDK under test.

Requests are form posts of the common parameters plus biz_content, signed RSA2 by the app
over every non-empty parameter but `sign`, sorted, joined as k=v with &. Answers are
{"<method>_response": {...}, "sign": ...}, signed by Alipay over the exact text of the
response object. Notifications are form posts signed over every parameter but `sign` and
`sign_type`. Trades exist at Alipay only once the member opens the payment page: until
`pay` or `close`, a query says ACQ.TRADE_NOT_EXIST.
"""

from __future__ import annotations

import base64
import itertools
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
import respx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.mall.standins import Calls, Notification
from unionhub.clock import SHANGHAI, utcnow
from unionhub.settings import get_settings

GATEWAY = "https://openapi.alipay.com/gateway.do"
APP_ID = "2021000000000001"
SELLER_ID = "2088000000000001"
NOTIFY_URL = "https://unionhub.example/webhooks/alipay"
RETURN_URL = "https://unionhub.example/mall/paid"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class KeyPair:
    private: rsa.RSAPrivateKey

    @property
    def public(self) -> rsa.RSAPublicKey:
        return self.private.public_key()

    @property
    def private_pem(self) -> str:  # PKCS#1, as Alipay's key tool writes it
        return self.private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption()).decode()

    @property
    def public_pem(self) -> str:
        return self.public.public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def sign(self, text: str) -> str:
        return base64.b64encode(self.private.sign(
            text.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()

    def verifies(self, text: str, signature: str) -> bool:
        try:
            self.public.verify(base64.b64decode(signature), text.encode(),
                               padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, ValueError):
            return False
        return True


@cache
def keys(name: str) -> KeyPair:
    """Test key pairs, made once per session (RSA key generation is slow): "app" is ours,
    "alipay" is Alipay's, "forger" is anyone else's."""
    return KeyPair(rsa.generate_private_key(public_exponent=65537, key_size=2048))


def signing_text(params: dict[str, str], *, notification: bool) -> str:
    # Requests: all non-empty parameters but sign. Notifications: all but sign and sign_type.
    skip = {"sign", "sign_type"} if notification else {"sign"}
    return "&".join(f"{k}={v}" for k, v in sorted(params.items())
                    if k not in skip and (notification or v != ""))


def yuan(fen: int) -> str:
    return str((Decimal(fen) / 100).quantize(Decimal("0.01")))


def fen(value: str) -> int:
    return int(Decimal(value) * 100)


def now_text(delta: timedelta = timedelta()) -> str:
    return (utcnow() + delta).astimezone(SHANGHAI).strftime(TIME_FORMAT)


def verified_request(params: dict[str, str]) -> dict[str, Any]:
    """A signed request's biz_content, after checking the app's signature and app_id."""
    assert params.get("app_id") == APP_ID, "request for another app_id"
    assert params.get("sign_type") == "RSA2"
    assert keys("app").verifies(signing_text(params, notification=False), params["sign"]), \
        "our request's signature does not verify with the app public key"
    return json.loads(params["biz_content"])


@dataclass
class Trade:
    out_trade_no: str
    amount_fen: int  # what the signed checkout asked for
    subject: str
    trade_no: str
    opened: bool = False  # the member opened the page: the trade exists at Alipay
    status: str = "WAIT_BUYER_PAY"
    paid_fen: int | None = None
    refunds: dict[str, int] = field(default_factory=dict)  # out_request_no → fen

    @property
    def refunded_fen(self) -> int:
        return sum(self.refunds.values())


@dataclass
class AlipayStandIn:
    provider: str = "alipay"
    method: str = "ALIPAY"
    webhook_path: str = "/webhooks/alipay"
    calls: Calls = field(default_factory=Calls)
    # Alipay trades are created by the member's browser, not by a call of ours: there is no
    # create request to fail, so this flag has no effect here.
    fail_next_payment: bool = False
    creates_trades: bool = False
    foreign_channel: str = "NATIVE"
    refunds_complete_synchronously: bool = True
    fail_next_refund: bool = False  # the refund call answers a signed business failure
    fail_next_call: str | None = None  # "signature": answer isv.invalid-signature; "http": 502
    trades: dict[str, Trade] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (method, biz)
    _n: itertools.count = field(default_factory=lambda: itertools.count(1))

    # --- the member's side ------------------------------------------------------------------

    def checkout_params(self, signed: str) -> dict[str, str]:
        """The parameters of a signed pay URL or app order string, signature checked."""
        query = signed.split("?", 1)[1] if signed.startswith("http") else signed
        if signed.startswith("http"):
            assert signed.split("?", 1)[0] == GATEWAY
        params = dict(parse_qsl(query, keep_blank_values=True, strict_parsing=True))
        verified_request(params)
        return params

    def open(self, signed: str) -> Trade:
        """The member's browser or app brings the signed request to Alipay."""
        params = self.checkout_params(signed)
        biz = json.loads(params["biz_content"])
        self.calls.payments.append({**params, "biz_content": biz})
        ref = biz["out_trade_no"]
        trade = self.trades.get(ref)
        if trade is None:
            trade = self.trades[ref] = Trade(
                out_trade_no=ref, amount_fen=fen(biz["total_amount"]), subject=biz["subject"],
                trade_no=f"2024{next(self._n):024d}")
        return trade

    def ref_from_checkout(self, checkout: dict) -> str:
        assert checkout.get("payUrl"), checkout  # the default channel is the page payment
        assert not checkout.get("clientSecret") and not checkout.get("codeUrl")
        return self.open(checkout["payUrl"]).out_trade_no

    def pay(self, ref: str, amount_fen: int | None = None) -> None:
        trade = self.trades[ref]
        trade.opened = True
        trade.status = "TRADE_SUCCESS"
        trade.paid_fen = trade.amount_fen if amount_fen is None else amount_fen

    def close(self, ref: str) -> None:
        trade = self.trades[ref]
        trade.opened = True
        trade.status = "TRADE_CLOSED"

    def decline(self, ref: str) -> Notification | None:
        # A failed attempt in Alipay's cashier leaves the trade WAIT_BUYER_PAY, unnotified.
        self.trades[ref].opened = True
        return None

    # --- notifications ----------------------------------------------------------------------

    def notification(self, ref: str, *, key: str = "alipay", drop: tuple[str, ...] = (),
                     **over: str) -> Notification:
        """The documented trade_status_sync notification for the trade as it is now."""
        trade = self.trades[ref]
        total = yuan(trade.paid_fen if trade.paid_fen is not None else trade.amount_fen)
        params = {
            "notify_time": now_text(), "notify_type": "trade_status_sync",
            "notify_id": f"2024{uuid.uuid4().hex}", "charset": "utf-8", "version": "1.0",
            "app_id": APP_ID, "auth_app_id": APP_ID, "sign_type": "RSA2",
            "trade_no": trade.trade_no, "out_trade_no": ref, "trade_status": trade.status,
            "seller_id": SELLER_ID, "buyer_id": "2088102177846880",
            "buyer_logon_id": "159****5620", "subject": trade.subject, "total_amount": total,
            "receipt_amount": total, "invoice_amount": total, "buyer_pay_amount": total,
            "point_amount": "0.00", "gmt_create": now_text(timedelta(minutes=-1)),
            "gmt_payment": now_text(),
            "fund_bill_list": json.dumps([{"amount": total, "fundChannel": "ALIPAYACCOUNT"}]),
        }
        if trade.refunds:
            params.update(refund_fee=yuan(trade.refunded_fen), gmt_refund=now_text(),
                          out_biz_no=list(trade.refunds)[-1])
        params.update(over)
        for name in drop:
            params.pop(name, None)
        params["sign"] = keys(key).sign(signing_text(params, notification=True))
        return Notification(
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            body=urlencode(params).encode())

    def success_notification(self, ref: str, *, notification_id: str | None = None,
                             ) -> Notification:
        # What Alipay sent when the trade was paid (and redelivers as it was, even after a
        # refund has since closed the trade).
        assert self.trades[ref].paid_fen is not None, "call pay() first"
        over = {"notify_id": notification_id} if notification_id else {}
        return self.notification(ref, trade_status="TRADE_SUCCESS",
                                 drop=("refund_fee", "gmt_refund", "out_biz_no"), **over)

    def refund_notification(self, ref: str) -> Notification:
        trade = self.trades[ref]
        if not trade.refunds:  # the refund made at Alipay's console, or ours completing
            trade.refunds[f"{ref}R"] = trade.paid_fen or trade.amount_fen
        trade.status = "TRADE_CLOSED"  # a full refund closes the trade
        return self.notification(ref, gmt_close=now_text())

    def refund_failed_notification(self, ref: str) -> Notification | None:
        return None  # Alipay said so in the refund call's answer

    def dashboard_refund(self, ref: str, refund_fen: int) -> Notification:
        """A refund made in Alipay's merchant portal: its notice states the trade's total."""
        trade = self.trades[ref]
        trade.refunds[f"portal{len(trade.refunds) + 1}"] = refund_fen
        if trade.refunded_fen == trade.paid_fen:
            trade.status = "TRADE_CLOSED"  # all of it back: the trade closes
        return self.notification(ref)

    def reach(self, ref: str) -> None:
        self.trades[ref].opened = True

    def is_closed(self, ref: str) -> bool:
        return self.trades[ref].status == "TRADE_CLOSED" and self.trades[ref].paid_fen is None

    def forge(self, notification: Notification) -> Notification:
        params = dict(parse_qsl(notification.body.decode(), keep_blank_values=True))
        params["sign"] = keys("forger").sign(signing_text(params, notification=True))
        return Notification(headers=notification.headers, body=urlencode(params).encode())

    def stale(self, ref: str) -> Notification | None:
        return self.notification(ref, notify_time=now_text(timedelta(hours=-49)))

    def accepted(self, response: httpx.Response) -> bool:
        return response.status_code == 200 and response.text == "success"

    # --- the gateway ------------------------------------------------------------------------

    def answer(self, method: str, body: dict[str, Any], *, signed: bool = True,
               ) -> httpx.Response:
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        name = method.replace(".", "_") + "_response"
        sign = f',"sign":"{keys("alipay").sign(text)}"' if signed else ""
        return httpx.Response(200, content=f'{{"{name}":{text}{sign}}}'.encode(),
                              headers={"Content-Type": "text/html;charset=utf-8"})

    def gateway(self, request: httpx.Request) -> httpx.Response:
        assert request.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
        params = dict(parse_qsl(request.content.decode(), keep_blank_values=True,
                                strict_parsing=True))
        method = params.get("method", "")
        failure, self.fail_next_call = self.fail_next_call, None
        if failure == "http":
            return httpx.Response(502, text="<html>Bad Gateway</html>")
        if failure == "signature" or params.get("app_id") != APP_ID or not keys("app").verifies(
                signing_text(params, notification=False), params.get("sign", "")):
            return self.answer(method, {
                "code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature",
                "sub_msg": "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配"}, signed=False)
        biz = json.loads(params["biz_content"])
        self.requests.append((method, biz))
        handler = {"alipay.trade.query": self.trade_query,
                   "alipay.trade.close": self.trade_close,
                   "alipay.trade.refund": self.trade_refund,
                   "alipay.trade.fastpay.refund.query": self.refund_query}[method]
        return self.answer(method, handler(biz))

    def _trade(self, biz: dict[str, Any]) -> Trade | None:
        trade = self.trades.get(biz.get("out_trade_no", ""))
        return trade if trade is not None and trade.opened else None

    @staticmethod
    def _business_failure(sub_code: str, sub_msg: str) -> dict[str, str]:
        return {"code": "40004", "msg": "Business Failed", "sub_code": sub_code,
                "sub_msg": sub_msg}

    def trade_query(self, biz: dict[str, Any]) -> dict[str, Any]:
        self.calls.queries.append(biz["out_trade_no"])
        trade = self._trade(biz)
        if trade is None:
            return self._business_failure("ACQ.TRADE_NOT_EXIST", "交易不存在")
        total = yuan(trade.paid_fen if trade.paid_fen is not None else trade.amount_fen)
        return {"code": "10000", "msg": "Success", "trade_no": trade.trade_no,
                "out_trade_no": trade.out_trade_no, "buyer_logon_id": "159****5620",
                "trade_status": trade.status, "total_amount": total,
                "receipt_amount": total if trade.paid_fen is not None else "0.00",
                "buyer_pay_amount": total if trade.paid_fen is not None else "0.00",
                "point_amount": "0.00", "invoice_amount": total,
                "send_pay_date": now_text(), "buyer_user_id": "2088102177846880"}

    def trade_close(self, biz: dict[str, Any]) -> dict[str, Any]:
        self.calls.closes.append(biz["out_trade_no"])
        trade = self._trade(biz)
        if trade is None:
            return self._business_failure("ACQ.TRADE_NOT_EXIST", "交易不存在")
        if trade.status != "WAIT_BUYER_PAY":
            return self._business_failure("ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
        trade.status = "TRADE_CLOSED"
        return {"code": "10000", "msg": "Success", "trade_no": trade.trade_no,
                "out_trade_no": trade.out_trade_no}

    def trade_refund(self, biz: dict[str, Any]) -> dict[str, Any]:
        self.calls.refunds.append(biz["out_trade_no"])
        trade = self._trade(biz)
        if trade is None:
            return self._business_failure("ACQ.TRADE_NOT_EXIST", "交易不存在")
        if self.fail_next_refund:
            self.fail_next_refund = False
            return self._business_failure("ACQ.TRADE_NOT_ALLOW_REFUND", "当前交易不允许退款")
        amount, request_no = fen(biz["refund_amount"]), biz.get("out_request_no",
                                                                  trade.out_trade_no)
        repeat = request_no in trade.refunds
        if repeat and trade.refunds[request_no] != amount:
            return self._business_failure("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限")
        if not repeat:
            if trade.paid_fen is None or trade.status not in ("TRADE_SUCCESS", "TRADE_CLOSED"):
                return self._business_failure("ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
            if trade.refunded_fen + amount > trade.paid_fen:
                return self._business_failure("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限")
            trade.refunds[request_no] = amount
            if trade.refunded_fen == trade.paid_fen:
                trade.status = "TRADE_CLOSED"
        return {"code": "10000", "msg": "Success", "trade_no": trade.trade_no,
                "out_trade_no": trade.out_trade_no, "buyer_logon_id": "159****5620",
                "fund_change": "N" if repeat else "Y", "refund_fee": yuan(trade.refunded_fen),
                "gmt_refund_pay": now_text(), "buyer_user_id": "2088102177846880"}

    def refund_query(self, biz: dict[str, Any]) -> dict[str, Any]:
        self.calls.queries.append(biz["out_trade_no"])
        trade = self._trade(biz)
        if trade is None:
            return self._business_failure("ACQ.TRADE_NOT_EXIST", "交易不存在")
        answer = {"code": "10000", "msg": "Success", "trade_no": trade.trade_no,
                  "out_trade_no": trade.out_trade_no, "out_request_no": biz["out_request_no"]}
        refunded = trade.refunds.get(biz["out_request_no"])
        if refunded is not None:  # no refund_status: not received, or failed
            answer.update(total_amount=yuan(trade.paid_fen or 0), refund_amount=yuan(refunded),
                          refund_status="REFUND_SUCCESS", gmt_refund_pay=now_text())
        return answer


def configure(monkeypatch, **over: Any) -> Any:
    """Point the settings at the test keys and route ALIPAY to the Alipay provider."""
    settings = get_settings()
    values = {
        "payment_providers": {**settings.payment_providers, "ALIPAY": "alipay"},
        "alipay_app_id": APP_ID, "alipay_app_private_key": keys("app").private_pem,
        "alipay_app_private_key_file": None, "alipay_public_key": keys("alipay").public_pem,
        "alipay_public_key_file": None, "alipay_notify_url": NOTIFY_URL,
        "alipay_return_url": RETURN_URL, "alipay_gateway": GATEWAY,
    }
    values.update(over)
    for name, value in values.items():
        monkeypatch.setattr(settings, name, value)
    return settings


@contextmanager
def standin(monkeypatch) -> Iterator[AlipayStandIn]:
    configure(monkeypatch)
    alipay = AlipayStandIn()
    with respx.mock(assert_all_called=False) as router:
        # Looked up per request, so that a test can put another gateway in its place.
        router.post(GATEWAY).mock(side_effect=lambda request: alipay.gateway(request))
        yield alipay
