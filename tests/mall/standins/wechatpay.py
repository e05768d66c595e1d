"""A WeChat Pay API v3 stand-in: respx routes speaking the documented formats.

It checks our requests' `Authorization` (WECHATPAY2-SHA256-RSA2048: mchid, serial_no, nonce_str,
timestamp and an RSA-SHA256 signature over "METHOD\\nURL\\ntimestamp\\nnonce\\nbody\\n" made with
the merchant key) and answers 401 SIGN_ERROR when it is wrong; it signs its answers and
notifications with the platform key (Wechatpay-Signature/-Timestamp/-Nonce/-Serial over
"timestamp\\nnonce\\nbody\\n") and serves the platform certificate from GET /v3/certificates,
AES-256-GCM encrypted with the APIv3 key (the keys: _wechatpay_keys.py, made once per session).

`standin(monkeypatch)` is a plain context manager: it points the settings at the stand-in but does
not reset the built providers (they close asynchronously); callers that go through
`unionhub.mall.providers` call `await reset_providers()` around it (the lifecycle fixture does)."""

from __future__ import annotations

import base64
import itertools
import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import respx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.mall.standins import Calls, Notification
from tests.mall.standins._wechatpay_keys import (
    API_BASE,
    APPID,
    MCHID,
    MERCHANT_SERIAL,
    MINI_APPID,
    SIGNATURE_TYPE,
    Keys,
    Platform,
    aes_encrypt,
    rfc3339,
    session_keys,
    settings_for,
    sign,
)
from unionhub.settings import get_settings


def _error(status: int, code: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"code": code, "message": message})


@dataclass
class WeChatPayStandIn:
    keys: Keys
    provider: str = "wechatpay"
    method: str = "WECHAT_PAY"
    webhook_path: str = "/webhooks/wechatpay"
    refunds_complete_synchronously: bool = False  # WeChat answers PROCESSING, notifies later
    calls: Calls = field(default_factory=Calls)
    fail_next_payment: bool = False
    fail_next_refund: bool = False  # WeChat accepts it (PROCESSING), then notifies ABNORMAL
    payer_account_closed: bool = False  # the payer's account closed or frozen: refunds 403
    creates_trades: bool = True
    foreign_channel: str = "APP"
    signer: Platform | None = None  # the platform key signing answers and notifications
    served: list[Platform] = field(default_factory=list)  # certificates GET /v3/certificates lists
    trades: dict[str, dict[str, Any]] = field(default_factory=dict)  # out_trade_no → trade
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)  # out_refund_no → refund
    refund_requests: list[dict[str, Any]] = field(default_factory=list)  # every refund call
    certificate_downloads: int = 0
    rejected_signatures: int = 0
    sign_answers_with: rsa.RSAPrivateKey | None = None  # tests of forged answers
    unreachable: bool = False  # the network is down
    # Platform public key mode (WeChat's newer scheme): signatures name this id, not a serial.
    public_key_id: str | None = None
    _n: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.signer = self.signer or self.keys.platform
        self.served = self.served or [self.keys.platform]

    # --- our requests ----------------------------------------------------------------------

    def _authorized(self, request: httpx.Request) -> bool:
        scheme, _, params = request.headers.get("Authorization", "").partition(" ")
        fields = dict(item.split("=", 1) for item in params.split(",") if "=" in item)
        fields = {k.strip(): v.strip().strip('"') for k, v in fields.items()}
        try:
            timestamp = int(fields.get("timestamp", ""))
        except ValueError:
            return False
        if (scheme != SIGNATURE_TYPE or fields.get("mchid") != MCHID
                or fields.get("serial_no") != MERCHANT_SERIAL or abs(time.time() - timestamp) > 300
                or not fields.get("nonce_str")):
            return False
        url = request.url.raw_path.decode()
        message = (f"{request.method}\n{url}\n{timestamp}\n{fields['nonce_str']}\n"
                   f"{request.content.decode()}\n")
        try:
            self.keys.merchant.public_key().verify(
                base64.b64decode(fields.get("signature", "")), message.encode(),
                padding.PKCS1v15(), hashes.SHA256())
        except Exception:
            return False
        return True

    def _answer(self, status: int, payload: dict[str, Any]) -> httpx.Response:
        body = json.dumps(payload, ensure_ascii=False)
        assert self.signer is not None
        headers = self.signed_headers(body, self.signer, key=self.sign_answers_with)
        headers["Content-Type"] = "application/json; charset=utf-8"
        return httpx.Response(status, content=body.encode(), headers=headers)

    def signed_headers(self, body: str, platform: Platform, *, timestamp: int | None = None,
                       key: rsa.RSAPrivateKey | None = None) -> dict[str, str]:
        ts, nonce = str(timestamp if timestamp is not None else int(time.time())), uuid.uuid4().hex
        return {"Wechatpay-Timestamp": ts, "Wechatpay-Nonce": nonce,
                "Wechatpay-Signature": sign(key or platform.key, f"{ts}\n{nonce}\n{body}\n"),
                "Wechatpay-Serial": self.public_key_id or platform.serial,
                "Wechatpay-Signature-Type": SIGNATURE_TYPE}

    def _route(self, handler: Any) -> Any:
        def checked(request: httpx.Request, **kw: Any) -> httpx.Response:
            if self.unreachable:
                raise httpx.ConnectError("api.mch.weixin.qq.com unreachable", request=request)
            if not self._authorized(request):
                self.rejected_signatures += 1
                return _error(401, "SIGN_ERROR", "签名错误")
            return handler(request, **kw)
        return checked

    def mount(self, router: respx.MockRouter) -> None:
        router.get("/v3/certificates").mock(side_effect=self._route(self._certificates))
        for kind in ("native", "jsapi"):
            router.post(f"/v3/pay/transactions/{kind}").mock(side_effect=self._route(
                lambda request, jsapi=kind == "jsapi": self._prepay(request, jsapi=jsapi)))
        router.get(path__regex=r"^/v3/pay/transactions/out-trade-no/(?P<no>[^/?]+)$").mock(
            side_effect=self._route(self._query))
        router.post(path__regex=r"^/v3/pay/transactions/out-trade-no/(?P<no>[^/?]+)/close$").mock(
            side_effect=self._route(self._close))
        router.post("/v3/refund/domestic/refunds").mock(side_effect=self._route(self._refund))
        router.get(path__regex=r"^/v3/refund/domestic/refunds/(?P<no>[^/?]+)$").mock(
            side_effect=self._route(self._query_refund))

    def _certificates(self, request: httpx.Request) -> httpx.Response:
        self.certificate_downloads += 1
        now = datetime.now(UTC)
        return self._answer(200, {"data": [{
            "serial_no": p.serial, "effective_time": rfc3339(now - timedelta(days=1)),
            "expire_time": rfc3339(now + timedelta(days=1825)),
            "encrypt_certificate": aes_encrypt(self.keys.apiv3_key, p.cert_pem, "certificate"),
        } for p in self.served]})

    def _prepay(self, request: httpx.Request, *, jsapi: bool) -> httpx.Response:
        data = json.loads(request.content)
        self.calls.payments.append(data)
        if self.fail_next_payment:
            self.fail_next_payment = False
            return _error(403, "NO_AUTH", "商户无此接口权限")
        amount = data.get("amount") or {}
        # The appids bound to the merchant: the official account's and a mini program's.
        if (data.get("mchid") != MCHID or data.get("appid") not in (APPID, MINI_APPID)
                or not isinstance(amount.get("total"), int) or amount["total"] <= 0
                or amount.get("currency", "CNY") != "CNY"
                or not str(data.get("notify_url", "")).startswith("https://")
                or not data.get("description") or not data.get("out_trade_no")
                or (jsapi and not (data.get("payer") or {}).get("openid"))):
            return _error(400, "PARAM_ERROR", "参数错误")
        no = data["out_trade_no"]
        trade = self.trades.get(no)
        if trade is not None:
            if trade["trade_state"] == "SUCCESS":
                return _error(400, "ORDERPAID", "该订单已支付")
            if trade["amount"]["total"] != amount["total"]:
                return _error(400, "INVALID_REQUEST", "201 商户订单号重复")
            return self._answer(200, trade["_prepay"])  # the same prepay for the same trade
        n = next(self._n)
        prepay = ({"prepay_id": f"wx{n:010d}{uuid.uuid4().hex[:20]}"} if jsapi else
                  {"code_url": f"weixin://wxpay/bizpayurl?pr={uuid.uuid4().hex[:7]}"})
        self.trades[no] = {
            "appid": data["appid"], "mchid": MCHID, "out_trade_no": no,
            "trade_type": "JSAPI" if jsapi else "NATIVE", "trade_state": "NOTPAY",
            "trade_state_desc": "订单未支付", "amount": {"total": amount["total"], "currency": "CNY"},
            "_prepay": prepay, "_openid": (data.get("payer") or {}).get("openid"),
        }
        return self._answer(200, prepay)

    def trade_view(self, no: str) -> dict[str, Any]:
        """The trade as WeChat's query and notification show it."""
        return {k: v for k, v in self.trades[no].items() if not k.startswith("_")}

    def _query(self, request: httpx.Request, no: str) -> httpx.Response:
        self.calls.queries.append(no)
        if request.url.params.get("mchid") != MCHID:
            return _error(400, "PARAM_ERROR", "mchid 与请求不符")
        if no not in self.trades:
            return _error(404, "ORDER_NOT_EXIST", "订单不存在")
        return self._answer(200, self.trade_view(no))

    def _close(self, request: httpx.Request, no: str) -> httpx.Response:
        # Documented: 204 without a body; ORDERPAID when paid; ORDER_NOT_EXIST if unknown.
        self.calls.closes.append(no)
        if json.loads(request.content or b"{}").get("mchid") != MCHID:
            return _error(400, "PARAM_ERROR", "mchid 与请求不符")
        trade = self.trades.get(no)
        if trade is None:
            return _error(404, "ORDER_NOT_EXIST", "订单不存在")
        if trade["trade_state"] == "SUCCESS":
            return _error(400, "ORDERPAID", "订单已支付")
        self.set_state(no, "CLOSED")
        return self._answer_empty()

    def _answer_empty(self) -> httpx.Response:
        assert self.signer is not None
        return httpx.Response(204, headers=self.signed_headers("", self.signer))

    def _refund(self, request: httpx.Request) -> httpx.Response:
        data = json.loads(request.content)
        self.refund_requests.append(data)
        no, refund_no = data.get("out_trade_no"), data.get("out_refund_no")
        amount = data.get("amount") or {}
        if not refund_no or not str(data.get("notify_url", "https://")).startswith("https://"):
            return _error(400, "PARAM_ERROR", "参数错误")
        if refund_no in self.refunds:  # WeChat answers a repeated out_refund_no with the refund
            return self._answer(200, self.refunds[refund_no])
        trade = self.trades.get(no or "")
        if trade is None:
            return _error(404, "RESOURCE_NOT_EXISTS", "订单不存在")
        if trade["trade_state"] != "SUCCESS":
            return _error(400, "INVALID_REQUEST", "订单未支付")
        given = sum(r["amount"]["refund"] for r in self.refunds.values() if r["out_trade_no"] == no
                    and r["status"] not in ("ABNORMAL", "CLOSED"))  # others' money is gone
        if (amount.get("total") != trade["amount"]["total"] or amount.get("currency") != "CNY"
                or not 0 < amount.get("refund", 0) <= amount["total"] - given):
            return _error(400, "INVALID_REQUEST", "申请退款金额超过订单可退金额")
        if self.payer_account_closed:  # v3 申请退款: refused, the merchant refunds another way
            return _error(403, "USER_ACCOUNT_ABNORMAL", "用户账户异常或已注销，不能原路退回，请使用其他方式进行退款")
        self.calls.refunds.append(no)
        self.refunds[refund_no] = {
            "refund_id": f"50000{next(self._n):012d}", "out_refund_no": refund_no,
            "transaction_id": trade["transaction_id"], "out_trade_no": no,
            "channel": "ORIGINAL", "user_received_account": "支付用户零钱",
            "create_time": rfc3339(), "status": "PROCESSING", "funds_account": "AVAILABLE",
            "amount": {"total": amount["total"], "refund": amount["refund"],
                       "payer_total": amount["total"], "payer_refund": amount["refund"],
                       "settlement_refund": amount["refund"],
                       "settlement_total": amount["total"], "discount_refund": 0,
                       "currency": "CNY"},
        }
        return self._answer(200, self.refunds[refund_no])

    def _query_refund(self, request: httpx.Request, no: str) -> httpx.Response:
        if no not in self.refunds:
            return _error(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
        return self._answer(200, self.refunds[no])

    # --- the member and WeChat -------------------------------------------------------------

    def ref_from_checkout(self, checkout: dict) -> str:
        code_url = checkout.get("codeUrl")
        assert code_url and code_url.startswith("weixin://wxpay/bizpayurl?pr="), checkout
        assert not any(checkout.get(f) for f in ("clientSecret", "wechatPayParams", "payUrl",
                                                  "orderString")), checkout
        ref = next(no for no, t in self.trades.items() if t["_prepay"].get("code_url") == code_url)
        assert checkout.get("reference", ref) == ref, checkout
        return ref

    def set_state(self, ref: str, state: str) -> None:
        self.trades[ref]["trade_state"] = state
        self.trades[ref]["trade_state_desc"] = {"CLOSED": "订单已关闭", "PAYERROR": "支付失败",
                                                "REVOKED": "已撤销", "USERPAYING": "用户支付中",
                                                "NOTPAY": "订单未支付"}.get(state, state)

    def pay(self, ref: str, amount_fen: int | None = None, currency: str = "CNY") -> None:
        """The payer pays (`amount_fen` in `currency`'s minor units when it is not the trade's)."""
        trade = self.trades[ref]
        total = trade["amount"]["total"] if amount_fen is None else amount_fen
        trade.update(trade_state="SUCCESS", trade_state_desc="支付成功",
                     transaction_id=f"42000{next(self._n):023d}", bank_type="OTHERS",
                     success_time=rfc3339(), payer={"openid": trade["_openid"] or
                                                     "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
                     amount={"total": total, "payer_total": total, "currency": currency,
                             "payer_currency": currency})

    def close(self, ref: str) -> None:
        self.set_state(ref, "CLOSED")

    def decline(self, ref: str) -> Notification | None:
        # PAYERROR (支付失败, e.g. the bank said no): seen by queries; WeChat notifies success only.
        self.set_state(ref, "PAYERROR")
        return None

    def notification(self, event_type: str, resource: dict[str, Any], *,
                     original_type: str, summary: str, notification_id: str | None = None,
                     platform: Platform | None = None, timestamp: int | None = None,
                     key: rsa.RSAPrivateKey | None = None) -> Notification:
        """WeChat's documented notification envelope, the resource encrypted with the APIv3
        key, signed by the platform key (or `key`) at `timestamp`."""
        envelope = {
            "id": notification_id or str(uuid.uuid4()), "create_time": rfc3339(),
            "resource_type": "encrypt-resource", "event_type": event_type, "summary": summary,
            "resource": {"original_type": original_type, **aes_encrypt(
                self.keys.apiv3_key, json.dumps(resource, ensure_ascii=False), original_type)},
        }
        body = json.dumps(envelope, ensure_ascii=False)
        headers = self.signed_headers(body, platform or self.signer or self.keys.platform,
                                      timestamp=timestamp, key=key)
        headers["Content-Type"] = "application/json"
        return Notification(headers=headers, body=body.encode())

    def success_notification(self, ref: str, *, notification_id: str | None = None,
                             timestamp: int | None = None) -> Notification:
        trade = self.trade_view(ref)
        assert trade["trade_state"] == "SUCCESS", "call pay() first"
        return self.notification("TRANSACTION.SUCCESS", trade, original_type="transaction",
                                 summary="支付成功", notification_id=notification_id,
                                 timestamp=timestamp)

    def dashboard_refund(self, ref: str, refund_fen: int) -> Notification:
        no = f"dash{next(self._n):08d}"  # the merchant platform's refund, and its notice
        self.refunds[no] = {"refund_id": f"50000{next(self._n):012d}", "out_refund_no": no,
                            "transaction_id": self.trades[ref]["transaction_id"],
                            "out_trade_no": ref, "status": "SUCCESS",
                            "amount": {"refund": refund_fen}}
        return self.refund_notification(ref, refund_fen=refund_fen)

    def refund_resource(self, ref: str, status: str = "SUCCESS",
                        refund_fen: int | None = None) -> dict[str, Any]:
        trade = self.trades[ref]
        latest = [r for r in self.refunds.values() if r["out_trade_no"] == ref]
        refund = (latest[-1] if latest else None) or {
            "refund_id": f"50000{next(self._n):012d}", "out_refund_no": f"{ref}R",
            "transaction_id": trade.get("transaction_id"), "out_trade_no": ref}
        total = trade["amount"]["total"]  # the refund's own amount, else all of it
        refund_fen = refund.get("amount", {}).get("refund", total) if refund_fen is None else refund_fen
        return {"mchid": MCHID, "out_trade_no": ref, "transaction_id": refund["transaction_id"],
                "out_refund_no": refund["out_refund_no"], "refund_id": refund["refund_id"],
                "refund_status": status, "success_time": rfc3339(),
                "user_received_account": "支付用户零钱",
                "amount": {"total": total, "refund": refund_fen, "payer_total": total,
                           "payer_refund": refund_fen}}

    def refund_notification(self, ref: str, *, status: str = "SUCCESS",
                            refund_fen: int | None = None) -> Notification:
        resource = self.refund_resource(ref, status, refund_fen)
        if resource["out_refund_no"] in self.refunds:
            self.refunds[resource["out_refund_no"]].update(
                status=status, success_time=resource["success_time"])
        summary = {"SUCCESS": "退款成功", "ABNORMAL": "退款异常", "CLOSED": "退款关闭"}[status]
        return self.notification(f"REFUND.{status}", resource, original_type="refund",
                                 summary=summary)

    def refund_failed_notification(self, ref: str) -> Notification | None:
        self.fail_next_refund = False
        return self.refund_notification(ref, status="ABNORMAL")

    def reach(self, ref: str) -> None:
        return None  # the trade exists from payOrder on

    def is_closed(self, ref: str) -> bool:
        return self.trades[ref]["trade_state"] == "CLOSED"

    def forge(self, notification: Notification) -> Notification:
        h = dict(notification.headers)
        h["Wechatpay-Signature"] = sign(
            self.keys.rogue, f"{h['Wechatpay-Timestamp']}\n{h['Wechatpay-Nonce']}\n"
                             f"{notification.body.decode()}\n")
        return Notification(headers=h, body=notification.body)

    def stale(self, ref: str) -> Notification | None:
        return self.success_notification(ref, timestamp=int(time.time()) - 600)

    def accepted(self, response: httpx.Response) -> bool:
        return response.status_code in (200, 204)

    def rotate(self) -> None:
        """WeChat rotates its platform certificate: signs with the new one, lists both."""
        self.signer = self.keys.rotated
        self.served = [self.keys.platform, self.keys.rotated]


@contextmanager
def standin(monkeypatch: Any, **settings_over: Any) -> Iterator[WeChatPayStandIn]:
    """Route WECHAT_PAY to the wechatpay provider, configured with test keys, and stand in
    for WeChat Pay's API. Does not reset built providers (see the module's doc)."""
    keys = session_keys()
    settings = get_settings()
    for name, value in settings_for(keys, **settings_over).items():
        monkeypatch.setattr(settings, name, value)
    monkeypatch.setattr(settings, "payment_providers",
                        {**settings.payment_providers, "WECHAT_PAY": "wechatpay"})
    stand_in = WeChatPayStandIn(keys, public_key_id=settings.wechatpay_public_key_id)
    with respx.mock(base_url=API_BASE, assert_all_called=False) as router:
        stand_in.mount(router)
        yield stand_in
