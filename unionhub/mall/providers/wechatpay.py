"""WeChat Pay API v3 (direct merchant) through the wechatpayv3 SDK's async client.

Payments in fen: NATIVE (a QR code's code_url) and JSAPI / mini program (a prepay_id signed
for wx.requestPayment). Notifications are verified with the platform certificate (or the
platform public key), refused outside a 300 s window, and decrypted with the APIv3 key
(AES-256-GCM). Refunds are asynchronous (PROCESSING, then a REFUND.* notification); status
queries cover notifications that never came."""

from __future__ import annotations

import asyncio
import binascii
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Mapping
from datetime import timedelta, timezone
from typing import Any, ClassVar

from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.responses import JSONResponse, Response
from wechatpayv3.async_ import AsyncWeChatPay
from wechatpayv3.async_.type import WeChatPayType
from wechatpayv3.utils import aes_decrypt

from unionhub.errors import ValidationFailed
from unionhub.mall.models import Payment
from unionhub.mall.providers.base import (
    CURRENCY_NOT_REFUNDABLE,
    Checkout,
    FactKind,
    InvalidNotification,
    PayChannel,
    PaymentConfigurationError,
    PaymentFact,
    PaymentRefused,
    PaymentRequest,
    ProviderUnavailable,
    RefundRefused,
    RefundResult,
    query_event_id,
    refund_number,
    secret_text,
)
from unionhub.mall.providers.wechatpay_facts import (
    FAILED_REFUND_STATES,
    REFUND_REFUSED_CODES,
    notification_fact,
    paid_fact,
    refund_fact,
)
from unionhub.settings import Settings

log = logging.getLogger(__name__)

CHINA = timezone(timedelta(hours=8))
# WeChat signs a timestamp into every notification: older (or newer) than this is a replay.
NOTIFICATION_TOLERANCE_SECONDS = 300
# A notification under an unknown certificate serial makes us download the certificates again
# (WeChat rotates them); a flood of forged serials must not turn into a flood of downloads.
CERTIFICATE_REFRESH_INTERVAL_SECONDS = 60
SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"

_PAY_TYPES = {
    PayChannel.DEFAULT: WeChatPayType.NATIVE,
    PayChannel.NATIVE: WeChatPayType.NATIVE,
    PayChannel.JSAPI: WeChatPayType.JSAPI,
    PayChannel.MINI_PROGRAM: WeChatPayType.MINIPROG,
}
# CLOSED and REVOKED end the trade; PAYERROR is a failed attempt, not followed as final (the
# order's timeout closes the trade); NOTPAY, USERPAYING: still open (no fact).
_TRADE_STATE_KINDS = {"CLOSED": FactKind.CLOSED, "REVOKED": FactKind.CLOSED,
                      "PAYERROR": FactKind.FAILED}


def _env(name: str) -> str:
    return f"UNIONHUB_{name.upper()}"


class WeChatPayProvider:
    name: ClassVar[str] = "wechatpay"
    channels: ClassVar[frozenset[PayChannel]] = frozenset(_PAY_TYPES)
    refund_currencies: ClassVar[frozenset[str] | None] = frozenset({"cny"})  # /v3/refund/domestic: CNY only

    def __init__(self, settings: Settings) -> None:
        problems: list[str] = []
        for field in ("wechatpay_mchid", "wechatpay_appid", "wechatpay_cert_serial_no",
                      "wechatpay_notify_url"):
            if not getattr(settings, field):
                problems.append(_env(field))
        private_key = self._read(settings, "wechatpay_private_key", problems)
        if private_key is None:
            problems.append(_env("wechatpay_private_key"))
        public_key = self._read(settings, "wechatpay_public_key", problems)
        apiv3_key = settings.wechatpay_apiv3_key or ""
        if len(apiv3_key.encode()) != 32:  # AES-256: 32 bytes, as WeChat issues it
            problems.append(f"{_env('wechatpay_apiv3_key')} (32 characters)")
        notify_url = settings.wechatpay_notify_url or ""
        if notify_url and not notify_url.startswith("https://"):  # WeChat notifies https only
            problems.append(f"{_env('wechatpay_notify_url')} (https)")
        if bool(public_key) != bool(settings.wechatpay_public_key_id):
            problems.append(f"{_env('wechatpay_public_key')} with {_env('wechatpay_public_key_id')}")
        if problems:
            raise PaymentConfigurationError(
                "WeChat Pay is configured (UNIONHUB_PAYMENT_PROVIDERS) but these settings are "
                f"missing or invalid: {', '.join(problems)}")
        try:
            # No logger: the SDK's debug log would carry Authorization headers and bodies.
            self._pay = AsyncWeChatPay(
                wechatpay_type=WeChatPayType.NATIVE, mchid=settings.wechatpay_mchid,
                private_key=private_key, cert_serial_no=settings.wechatpay_cert_serial_no,
                appid=settings.wechatpay_appid, apiv3_key=apiv3_key, notify_url=notify_url,
                cert_dir=settings.wechatpay_cert_dir, timeout=(5, 20),
                public_key=public_key or None,
                public_key_id=settings.wechatpay_public_key_id if public_key else None)
        except Exception:  # the SDK raises a bare Exception for a key it cannot load
            bad = _env("wechatpay_private_key") + " / " + _env("wechatpay_public_key")
            raise PaymentConfigurationError(
                f"WeChat Pay keys do not parse as PEM: check {bad}") from None
        core = self._pay._core
        if not isinstance(core._private_key, rsa.RSAPrivateKey):
            raise PaymentConfigurationError(
                f"{_env('wechatpay_private_key')} must be the merchant's RSA API key")
        # The SDK hard-codes the production gateway; the setting points it elsewhere (the
        # backup domain api2.mch.weixin.qq.com, or a local stand-in in tests).
        core._gate_way = settings.wechatpay_api_base.rstrip("/")
        self._mchid: str = settings.wechatpay_mchid or ""
        self._appid: str = settings.wechatpay_appid or ""
        # A mini program has an appid of its own; without one, wechatpay_appid serves all.
        self._miniprogram_appid: str = settings.wechatpay_miniprogram_appid or self._appid
        self._notify_url = notify_url
        self._apiv3_key = apiv3_key
        self._lock = asyncio.Lock()
        self._entered = False
        self._last_refresh = float("-inf")

    @staticmethod
    def _read(settings: Settings, field: str, problems: list[str]) -> str | None:
        """The key's PEM text; None when not configured, "" when its file is unreadable."""
        try:
            return secret_text(getattr(settings, field), getattr(settings, f"{field}_file"))
        except OSError:
            problems.append(f"{_env(field)}_FILE (unreadable)")
            return ""

    # --- the SDK client --------------------------------------------------------------------

    async def _client(self) -> AsyncWeChatPay:
        """The SDK client, entered on first use: its HTTP client belongs to the running loop,
        and without a platform public key, entering downloads the platform certificates."""
        if self._entered:
            return self._pay
        async with self._lock:
            if not self._entered:
                try:
                    await self._pay.__aenter__()
                except Exception as exc:
                    await self._pay.__aexit__(None, None, None)
                    log.warning("wechatpay: cannot load platform certificates: %s",
                                type(exc).__name__)
                    raise ProviderUnavailable("WeChat Pay platform certificates unavailable",
                                              ) from None
                self._entered = True
        return self._pay

    async def aclose(self) -> None:
        async with self._lock:
            if self._entered:
                await self._pay.__aexit__(None, None, None)
                self._entered = False

    async def _call(self, operation: str, call: Awaitable[tuple[int, Any]],
                    missing_ok: bool = False) -> dict[str, Any] | None:
        """Run an SDK request: the answer's JSON on 2xx (signature verified by the SDK), None
        on 404 when `missing_ok`, else ProviderUnavailable. Logs WeChat's error code only."""
        try:
            status, text = await call
        except Exception as exc:  # httpx errors, or the SDK's bare Exception (bad signature)
            log.warning("wechatpay %s failed: %s", operation, type(exc).__name__)
            raise ProviderUnavailable(f"WeChat Pay {operation} failed") from None
        try:
            body = json.loads(text) if text else {}
        except (ValueError, TypeError):
            body = {}
        if not isinstance(body, dict):
            body = {}
        if 200 <= status < 300:
            return body
        if status == 404 and missing_ok:
            return None
        code = str(body.get("code", status))[:64]
        log.warning("wechatpay %s refused: HTTP %s %s", operation, status, code)
        if operation == "refund" and (status, code) in REFUND_REFUSED_CODES:
            raise RefundRefused(code)  # for good: REFUND_FAILED for a person, never retried
        message = f"WeChat Pay refused the {operation} ({code})"
        if 400 <= status < 500 and status not in (401, 429):  # 401: our keys; 429: later
            raise PaymentRefused(message)
        raise ProviderUnavailable(message)

    # --- payments --------------------------------------------------------------------------

    async def create_payment(self, request: PaymentRequest) -> Checkout:
        pay_type = _PAY_TYPES.get(request.channel)
        if pay_type is None:
            raise ValidationFailed(f"WeChat Pay does not offer {request.channel.value}",
                                   field="channel", code="CHANNEL_NOT_SUPPORTED")
        in_wechat = pay_type in (WeChatPayType.JSAPI, WeChatPayType.MINIPROG)
        if in_wechat and not request.payer_openid:
            raise ValidationFailed("paying inside WeChat needs the payer's openid",
                                   field="payerOpenId", code="PAYER_OPENID_REQUIRED")
        appid = self._miniprogram_appid if pay_type == WeChatPayType.MINIPROG else self._appid
        pay = await self._client()
        body = await self._call("payment", pay.pay(
            appid=appid,
            description=request.description[:127], out_trade_no=request.out_trade_no,
            amount={"total": request.amount_fen, "currency": "CNY"},
            payer={"openid": request.payer_openid} if in_wechat else None,
            # WeChat closes the trade at the order's deadline too (RFC 3339, Beijing time).
            time_expire=request.expires_at.astimezone(CHINA).isoformat(timespec="seconds"),
            notify_url=self._notify_url, pay_type=pay_type))
        assert body is not None
        if not in_wechat:
            if not body.get("code_url"):
                raise ProviderUnavailable("WeChat Pay answered without a code_url")
            return Checkout(provider_ref=request.out_trade_no, code_url=body["code_url"])
        prepay_id = body.get("prepay_id")
        if not prepay_id:
            raise ProviderUnavailable("WeChat Pay answered without a prepay_id")
        timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
        package = f"prepay_id={prepay_id}"
        return Checkout(provider_ref=request.out_trade_no, jsapi_params={
            "appId": appid, "timeStamp": timestamp, "nonceStr": nonce,
            "package": package, "signType": "RSA",
            "paySign": pay.sign([appid, timestamp, nonce, package])})

    async def refund(self, payment: Payment, reason: str | None) -> RefundResult:
        ref = _ref(payment)
        out_refund_no = refund_number(payment)  # per attempt: WeChat answers a repeat with its refund
        pay = await self._client()
        # The trade's own total and currency: what the member paid, even when it is not what
        # the order asked (a wrong amount is refunded whole), in CNY: the domestic refund API
        # gives back no other (sent as CNY, 700 US cents were read as 700 fen).
        trade = await self._call("query", pay.query(out_trade_no=ref), missing_ok=True) or {}
        amount = trade.get("amount") or {}
        currency = str(amount.get("currency") or payment.paid_currency or "CNY").upper()
        if currency != "CNY":
            raise RefundRefused(CURRENCY_NOT_REFUNDABLE)
        total = int(amount.get("total") or payment.amount_fen)
        left = total - payment.refunded_fen  # WeChat refuses more than the trade has left
        if left <= 0:
            raise RefundRefused("NOTHING_LEFT_TO_REFUND")
        body = await self._call("refund", pay.refund(
            out_refund_no=out_refund_no, out_trade_no=ref,
            amount={"refund": left, "total": total, "currency": currency},
            reason=(reason or "")[:80] or None, notify_url=self._notify_url))
        assert body is not None
        if body.get("status") in FAILED_REFUND_STATES:
            raise RefundRefused(str(body["status"]))
        return RefundResult(refund_ref=out_refund_no, completed=body.get("status") == "SUCCESS")

    async def close(self, payment: Payment) -> bool:
        ref = _ref(payment)
        pay = await self._client()
        try:
            await self._call("close", pay.close(out_trade_no=ref), missing_ok=True)
            return True  # 204 (closed), or 404: never opened at WeChat
        except PaymentRefused:
            pass  # ORDERPAID or ORDER_CLOSED: the trade's state decides
        trade = await self._call("query", pay.query(out_trade_no=ref), missing_ok=True) or {}
        return trade.get("trade_state") != "SUCCESS"

    async def query(self, payment: Payment) -> PaymentFact | None:
        ref = _ref(payment)
        pay = await self._client()
        trade = await self._call("query", pay.query(out_trade_no=ref), missing_ok=True)
        if trade is None:  # ORDER_NOT_EXIST: the member never got as far as WeChat
            return None
        if trade.get("mchid") != self._mchid or trade.get("out_trade_no") != ref:
            raise ProviderUnavailable("WeChat Pay answered about another trade")
        state = str(trade.get("trade_state", ""))
        if state == "SUCCESS":
            return paid_fact(query_event_id(ref, FactKind.SUCCEEDED), "QUERY.SUCCESS", trade)
        if (kind := _TRADE_STATE_KINDS.get(state)) is not None:
            return PaymentFact(event_id=query_event_id(ref, kind), event_type=f"QUERY.{state}",
                               kind=kind, provider_ref=ref, failure_code=state)
        return None

    async def query_refund(self, payment: Payment) -> PaymentFact | None:
        ref = _ref(payment)
        pay = await self._client()
        out_refund_no = payment.refund_ref or refund_number(payment)
        refund = await self._call("refund query", pay.query_refund(out_refund_no=out_refund_no),
                                  missing_ok=True)
        if refund is None or refund.get("out_trade_no") != ref:
            return None
        status = refund.get("status")
        if status in FAILED_REFUND_STATES:
            log.warning("wechatpay refund of payment %s is %s", payment.id, status)
            return PaymentFact(event_id=query_event_id(out_refund_no, FactKind.REFUND_FAILED),
                               event_type=f"QUERY.REFUND.{status}", kind=FactKind.REFUND_FAILED,
                               provider_ref=ref, failure_code=str(status),
                               detail={"out_refund_no": out_refund_no})
        if status != "SUCCESS":
            return None
        return refund_fact(query_event_id(out_refund_no, FactKind.REFUNDED),
                            "QUERY.REFUND.SUCCESS", refund, FactKind.REFUNDED)

    # --- notifications ---------------------------------------------------------------------

    async def parse_notification(self, headers: Mapping[str, str], body: bytes) -> PaymentFact:
        h = {k.lower(): v for k, v in headers.items()}
        try:
            text = body.decode("utf-8")
            timestamp = int(h.get("wechatpay-timestamp", ""))
        except ValueError:
            raise InvalidNotification("wechatpay notification: malformed headers") from None
        if not (h.get("wechatpay-signature") and h.get("wechatpay-nonce")
                and h.get("wechatpay-serial")):
            raise InvalidNotification("wechatpay notification: not signed")
        if h.get("wechatpay-signature-type", SIGNATURE_TYPE) != SIGNATURE_TYPE:
            raise InvalidNotification("wechatpay notification: unsupported signature type")
        h["wechatpay-signature-type"] = SIGNATURE_TYPE
        if abs(time.time() - timestamp) > NOTIFICATION_TOLERANCE_SECONDS:
            raise InvalidNotification("wechatpay notification: timestamp outside 300 s (replay?)")
        if not await self._signed_by_wechat(h, text):
            raise InvalidNotification("wechatpay notification: signature not WeChat Pay's")
        try:
            envelope = json.loads(text)
            resource = envelope["resource"]
            if (envelope.get("resource_type") != "encrypt-resource"
                    or resource.get("algorithm") != "AEAD_AES_256_GCM"):
                raise ValueError("not an AEAD_AES_256_GCM resource")
            plain = aes_decrypt(nonce=resource["nonce"], ciphertext=resource["ciphertext"],
                                associated_data=resource.get("associated_data") or "",
                                apiv3_key=self._apiv3_key)
            if plain is None:
                raise ValueError("authentication tag mismatch")
            data = json.loads(plain)
            event_id, event_type = str(envelope["id"]), str(envelope["event_type"])
        except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
            raise InvalidNotification("wechatpay notification: undecryptable or malformed") from None
        if not isinstance(data, dict) or data.get("mchid") != self._mchid:
            raise InvalidNotification("wechatpay notification: not for this merchant")
        if not (0 < len(event_id) <= 64 and len(event_type) <= 64):
            raise InvalidNotification("wechatpay notification: malformed id")
        try:
            return notification_fact(event_id, event_type, data)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise InvalidNotification("wechatpay notification: malformed resource") from None

    async def _signed_by_wechat(self, headers: dict[str, str], text: str) -> bool:
        pay = await self._client()
        core = pay._core
        serial = headers["wechatpay-serial"]
        if core._public_key_id and serial == core._public_key_id:
            known = True
        else:
            try:
                number = int(serial, 16)
            except ValueError:
                return False
            known = any(c.serial_number == number for c in core._certificates)
        if known:
            return await self._verify(core, headers, text)
        # An unknown serial: WeChat may have rotated its certificate. The SDK downloads them
        # again (at most once a minute here) and, if the download fails, is left with none.
        async with self._lock:
            if time.monotonic() - self._last_refresh < CERTIFICATE_REFRESH_INTERVAL_SECONDS:
                return False
            self._last_refresh = time.monotonic()
            before = list(core._certificates)
            try:
                return await self._verify(core, headers, text)
            finally:
                if not core._certificates:
                    core._certificates.extend(before)

    @staticmethod
    async def _verify(core: Any, headers: dict[str, str], text: str) -> bool:
        # The SDK's async check (the sync callback() neither refreshes nor checks the time).
        try:
            return bool(await core._verify_signature_async(headers, text))
        except Exception as exc:  # a failed certificate download, or the SDK's bare Exception
            log.warning("wechatpay: signature check failed: %s", type(exc).__name__)
            return False

    def acknowledge(self, outcome: str | None) -> Response:
        # WeChat Pay v3: 200/204 without a body means taken; 4xx/5xx with {"code": "FAIL"}
        # means deliver again (it retries over about a day).
        if outcome is None:
            return JSONResponse({"code": "FAIL", "message": "notification refused"},
                                status_code=400)
        return Response(status_code=204)


def _ref(payment: Payment) -> str:
    if not payment.provider_ref:
        raise ValueError(f"payment {payment.id} has no WeChat Pay out_trade_no")
    return payment.provider_ref
