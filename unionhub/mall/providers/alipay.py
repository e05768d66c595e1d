"""Alipay (支付宝) through python-alipay-sdk: page, mobile web and app payments, RSA2-signed
asynchronous notifications, refunds (CNY: refund_currencies) and status queries.

The SDK builds and signs requests and verifies Alipay's signatures; its own server calls use
blocking urllib, so we send the signed requests with httpx instead (POST, form-encoded, to
the gateway) and hand the answer back to the SDK for verification. Amounts are yuan strings
("50.00") at Alipay and fen integers here, converted with Decimal, never floats."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qsl

import httpx
from alipay import AliPay
from alipay.exceptions import AliPayException, AliPayValidationError
from Cryptodome.PublicKey import RSA
from starlette.responses import PlainTextResponse, Response

from unionhub.clock import SHANGHAI, utcnow
from unionhub.mall.providers.base import (
    Checkout,
    FactKind,
    InvalidNotification,
    PayChannel,
    PaymentConfigurationError,
    PaymentFact,
    PaymentRequest,
    ProviderUnavailable,
    RefundRefused,
    RefundResult,
    query_event_id,
    refund_number,
    secret_text,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from unionhub.mall.models import Payment
    from unionhub.settings import Settings

log = logging.getLogger(__name__)

# Alipay redelivers an unacknowledged notification for about 25 hours (4m, 10m, 10m, 1h, 2h,
# 6h, 15h). notify_time is signed, so a notification older than that schedule plus a day of
# margin (our outage, queueing) can only be a replay: refused. Within the window a replay is
# caught by its notify_id (the core's ProviderEvent gate) and by the conditional updates.
MAX_NOTIFICATION_AGE = timedelta(hours=48)
# Alipay's clock and ours may differ a little; a notification from further ahead is forged.
MAX_CLOCK_SKEW = timedelta(minutes=10)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # Alipay's "yyyy-MM-dd HH:mm:ss", Beijing time
SUCCESS = "10000"  # Alipay's gateway code for a call that succeeded
PAID = frozenset({"TRADE_SUCCESS", "TRADE_FINISHED"})
_YUAN = re.compile(r"\d{1,12}(\.\d{1,2})?")
_SUBJECT_UNSAFE = re.compile(r"[/=&]")  # characters Alipay does not accept in a subject
# alipay.trade.refund's business errors that end the refund (asking again will not help);
# others (ACQ.SYSTEM_ERROR, ACQ.SELLER_BALANCE_NOT_ENOUGH) are asked again by the job.
REFUND_ENDED = frozenset({"ACQ.TRADE_HAS_CLOSE", "ACQ.TRADE_HAS_FINISHED",
                          "ACQ.TRADE_NOT_ALLOW_REFUND", "ACQ.TRADE_STATUS_ERROR",
                          "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "ACQ.REASON_TRADE_REFUND_FEE_ERR",
                          "ACQ.DISCORDANT_REPEAT_REQUEST"})
PRODUCT_CODES = {
    PayChannel.PAGE: ("alipay.trade.page.pay", "FAST_INSTANT_TRADE_PAY"),
    PayChannel.WAP: ("alipay.trade.wap.pay", "QUICK_WAP_PAY"),
    PayChannel.APP: ("alipay.trade.app.pay", "QUICK_MSECURITY_PAY"),
}


def yuan(fen: int) -> str:
    """5000 → "50.00", exactly."""
    return str((Decimal(fen) / 100).quantize(Decimal("0.01")))


def fen_from_yuan(value: object) -> int:
    """"50.00" → 5000; anything that is not a plain yuan string raises ValueError."""
    if not isinstance(value, str) or not _YUAN.fullmatch(value):
        raise ValueError("not a yuan amount")
    return int(Decimal(value) * 100)


def _shanghai(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime(TIME_FORMAT)


def _rsa(text: str) -> Any:  # the key, or None when it does not parse
    try:
        return RSA.importKey(_key_text(text))
    except (ValueError, IndexError, TypeError, binascii.Error):
        return None


class _GatewayRefused(ProviderUnavailable):
    """The gateway answered with an error it did not sign (e.g. isv.invalid-signature)."""

    def __init__(self, code: str, sub_code: str) -> None:
        super().__init__(f"alipay refused the call: {code} {sub_code}")
        self.code = code
        self.sub_code = sub_code


def _key_text(text: str) -> str | bytes:
    # Alipay's console hands out keys as bare base64 (no PEM armour): accept those as DER.
    stripped = text.strip()
    if stripped.startswith("-----"):
        return stripped
    return base64.b64decode("".join(stripped.split()), validate=True)


class AlipayProvider:
    name: ClassVar[str] = "alipay"
    channels: ClassVar[frozenset[PayChannel]] = frozenset(
        {PayChannel.DEFAULT, PayChannel.PAGE, PayChannel.WAP, PayChannel.APP})
    refund_currencies: ClassVar[frozenset[str] | None] = frozenset({"cny"})

    def __init__(self, settings: Settings) -> None:
        private = self._secret(settings.alipay_app_private_key,
                               settings.alipay_app_private_key_file, "ALIPAY_APP_PRIVATE_KEY")
        public = self._secret(settings.alipay_public_key, settings.alipay_public_key_file,
                              "ALIPAY_PUBLIC_KEY")
        missing = [env for env, value in (
            ("UNIONHUB_ALIPAY_APP_ID", settings.alipay_app_id),
            ("UNIONHUB_ALIPAY_APP_PRIVATE_KEY (or _FILE)", private),
            ("UNIONHUB_ALIPAY_PUBLIC_KEY (or _FILE)", public),
            ("UNIONHUB_ALIPAY_NOTIFY_URL", settings.alipay_notify_url),
        ) if not value]
        if missing:
            raise PaymentConfigurationError(
                "Alipay is configured for a payment method but lacks " + ", ".join(missing))
        assert private and public and settings.alipay_app_id  # narrowing for the type checker
        self._check_keys(private, public)
        self.app_id = settings.alipay_app_id
        self.notify_url = settings.alipay_notify_url
        self.return_url = settings.alipay_return_url
        self.gateway = settings.alipay_gateway
        self.sdk = AliPay(appid=self.app_id, app_notify_url=self.notify_url,
                          app_private_key_string=_key_text(private),
                          alipay_public_key_string=_key_text(public), sign_type="RSA2")
        self.http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0))

    @staticmethod
    def _secret(inline: str | None, path: str | None, env: str) -> str | None:
        try:
            return secret_text(inline, path)
        except OSError:
            raise PaymentConfigurationError(f"UNIONHUB_{env}_FILE cannot be read") from None

    @staticmethod
    def _check_keys(private: str, public: str) -> None:
        app_key, alipay_key = _rsa(private), _rsa(public)
        if app_key is None or not app_key.has_private():
            raise PaymentConfigurationError(
                "UNIONHUB_ALIPAY_APP_PRIVATE_KEY (or _FILE) is not an RSA private key")
        # Alipay never hands out its private key: one here means the settings are mixed up.
        if alipay_key is None or alipay_key.has_private():
            raise PaymentConfigurationError(
                "UNIONHUB_ALIPAY_PUBLIC_KEY (or _FILE) is not Alipay's RSA public key")

    # --- paying -----------------------------------------------------------------------------

    async def create_payment(self, request: PaymentRequest) -> Checkout:
        # The member's browser or app takes the signed request to Alipay, which creates the
        # trade then: nothing to send from here. The same out_trade_no signs the same trade.
        channel = PayChannel.PAGE if request.channel == PayChannel.DEFAULT else request.channel
        if channel not in PRODUCT_CODES:
            raise ValueError(f"Alipay does not offer the {request.channel.value} channel")
        method, product_code = PRODUCT_CODES[channel]
        biz = {
            "out_trade_no": request.out_trade_no,
            "total_amount": yuan(request.amount_fen),
            "subject": _SUBJECT_UNSAFE.sub(" ", request.description)[:256],
            "product_code": product_code,
            "time_expire": _shanghai(request.expires_at),
        }
        extra: dict[str, str] = {"notify_url": self.notify_url or ""}
        if channel != PayChannel.APP:  # the app returns to itself
            extra["return_url"] = self.return_url or ""
        signed = self.sdk.sign_data(self._body(method, biz, **extra))
        if channel == PayChannel.APP:
            return Checkout(provider_ref=request.out_trade_no, order_string=signed)
        return Checkout(provider_ref=request.out_trade_no, pay_url=f"{self.gateway}?{signed}")

    def _body(self, method: str, biz: dict[str, Any], **extra: str) -> dict[str, Any]:
        # The SDK stamps requests with the server's local time; Alipay reads Beijing time.
        return self.sdk.build_body(method, biz, timestamp=_shanghai(utcnow()), **extra)

    # --- notifications ----------------------------------------------------------------------

    async def parse_notification(self, headers: Mapping[str, str], body: bytes) -> PaymentFact:
        params = self._verified_params(body)
        self._check_fresh(params.get("notify_time", ""))
        notify_id = params.get("notify_id", "")
        if not notify_id or len(notify_id) > 64:
            raise InvalidNotification("alipay notification without a usable notify_id")
        status = params.get("trade_status", "")
        ref = params.get("out_trade_no") or None
        detail = {k: params[k] for k in ("trade_no", "out_biz_no", "notify_type") if params.get(k)}
        fact = partial(PaymentFact, event_id=notify_id, event_type=status or params.get("notify_type", "")[:64],
                       provider_ref=ref, detail=detail)
        if params.get("notify_type") != "trade_status_sync" or ref is None:
            return fact(kind=None)
        try:
            total = fen_from_yuan(params.get("total_amount"))
            refunded = fen_from_yuan(params["refund_fee"]) if params.get("refund_fee") else 0
        except ValueError:
            raise InvalidNotification("alipay notification with a malformed amount") from None
        if refunded > 0 and status in PAID | {"TRADE_CLOSED"}:
            return fact(kind=FactKind.REFUNDED, amount_fen=refunded, currency="cny",
                        full_refund=refunded >= total)
        if status in PAID:
            return fact(kind=FactKind.SUCCEEDED, amount_fen=total, currency="cny")
        closed = status == "TRADE_CLOSED"  # else WAIT_BUYER_PAY: the trade was opened
        return fact(kind=FactKind.CLOSED, failure_code=status) if closed else fact(kind=None)

    def _verified_params(self, body: bytes) -> dict[str, str]:
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
        except (UnicodeDecodeError, ValueError):
            raise InvalidNotification("alipay notification is not a form") from None
        params = dict(pairs)
        if len(params) != len(pairs):  # one value signed, another read: refuse the ambiguity
            raise InvalidNotification("alipay notification repeats a parameter")
        signature = params.pop("sign", "")
        if not signature:
            raise InvalidNotification("alipay notification is not signed")
        if params.get("sign_type") != "RSA2":
            raise InvalidNotification("alipay notification is not signed with RSA2")
        if params.get("app_id") != self.app_id:
            raise InvalidNotification("alipay notification for another app_id")
        try:
            # The SDK drops sign_type and checks the sorted "k=v&..." of the decoded values.
            valid = self.sdk.verify(dict(params), signature)
        except (AliPayException, ValueError, TypeError):
            valid = False
        if not valid:
            raise InvalidNotification("alipay notification signature does not verify")
        return params

    @staticmethod
    def _check_fresh(notify_time: str) -> None:
        try:
            sent = datetime.strptime(notify_time, TIME_FORMAT).replace(tzinfo=SHANGHAI)
        except ValueError:
            raise InvalidNotification("alipay notification without a valid notify_time") from None
        now = utcnow()
        if sent < now - MAX_NOTIFICATION_AGE or sent > now + MAX_CLOCK_SKEW:
            raise InvalidNotification("alipay notification outside its freshness window")

    def acknowledge(self, outcome: str | None) -> Response:
        # Alipay stops delivering only on the exact text "success"; anything else is retried.
        if outcome is None:
            return PlainTextResponse("fail", status_code=400)
        return PlainTextResponse("success")

    # --- refunds and queries ----------------------------------------------------------------

    async def refund(self, payment: Payment, reason: str | None) -> RefundResult:
        ref = self._ref(payment)
        out_request_no = refund_number(payment)  # per attempt: a retry repeats the request
        # What the member paid, which a wrong amount makes differ from what the order asked.
        paid = await self.query(payment)
        amount = paid.amount_fen if paid and paid.kind == FactKind.SUCCEEDED else None
        left = (amount or payment.amount_fen) - payment.refunded_fen  # less portal refunds
        if left <= 0:
            raise RefundRefused("NOTHING_LEFT_TO_REFUND")
        biz = {"out_trade_no": ref, "refund_amount": yuan(left),
               "out_request_no": out_request_no}
        if reason:
            biz["refund_reason"] = _SUBJECT_UNSAFE.sub(" ", reason)[:256]
        try:
            answer = await self._call("alipay.trade.refund", biz)
            self._require_success("alipay.trade.refund", answer)
        except _GatewayRefused as exc:
            if exc.sub_code in REFUND_ENDED:
                raise RefundRefused(exc.sub_code) from None
            raise
        if answer.get("fund_change") == "Y":
            return RefundResult(refund_ref=out_request_no, completed=True)
        # "N": this request was made before; whether its money went back, the query says.
        status = await self._refund_status(ref, out_request_no)
        return RefundResult(refund_ref=out_request_no,
                            completed=status.get("refund_status") == "REFUND_SUCCESS")

    async def query(self, payment: Payment) -> PaymentFact | None:
        ref = self._ref(payment)
        try:
            answer = await self._call("alipay.trade.query", {"out_trade_no": ref})
        except _GatewayRefused as exc:
            if exc.sub_code == "ACQ.TRADE_NOT_EXIST":  # unsigned or not, it asserts nothing
                return None
            raise
        if answer.get("sub_code") == "ACQ.TRADE_NOT_EXIST":
            return None  # the member never opened the page
        self._require_success("alipay.trade.query", answer)
        status = answer.get("trade_status")
        detail = {"trade_no": str(answer.get("trade_no", ""))}
        if status in PAID:
            try:
                amount = fen_from_yuan(answer.get("total_amount"))
            except ValueError:
                raise ProviderUnavailable("alipay answered a malformed amount") from None
            return PaymentFact(event_id=query_event_id(ref, FactKind.SUCCEEDED),
                               event_type=f"query:{status}", kind=FactKind.SUCCEEDED,
                               provider_ref=ref, amount_fen=amount, currency="cny", detail=detail)
        if status == "TRADE_CLOSED":
            return PaymentFact(event_id=query_event_id(ref, FactKind.CLOSED),
                               event_type="query:TRADE_CLOSED", kind=FactKind.CLOSED,
                               provider_ref=ref, failure_code="TRADE_CLOSED", detail=detail)
        return None  # WAIT_BUYER_PAY

    async def close(self, payment: Payment) -> bool:
        ref = self._ref(payment)
        try:
            self._require_success("alipay.trade.close",
                                  await self._call("alipay.trade.close", {"out_trade_no": ref}))
            return True
        except _GatewayRefused as exc:
            if exc.sub_code == "ACQ.TRADE_NOT_EXIST":  # the member never opened the page
                return True
            if exc.sub_code != "ACQ.TRADE_STATUS_ERROR":
                raise
        # Closed already, or paid: the trade's status decides.
        return (await self.query(payment) or PaymentFact("", "", None)).kind != FactKind.SUCCEEDED

    async def query_refund(self, payment: Payment) -> PaymentFact | None:
        ref = self._ref(payment)
        out_request_no = payment.refund_ref or refund_number(payment)
        answer = await self._refund_status(ref, out_request_no)
        if answer.get("refund_status") != "REFUND_SUCCESS":
            return None
        try:
            amount = fen_from_yuan(answer.get("refund_amount"))
        except ValueError:
            raise ProviderUnavailable("alipay answered a malformed amount") from None
        # This request's own amount; ours asks for all that remains: its success is the whole.
        return PaymentFact(event_id=query_event_id(ref, FactKind.REFUNDED),
                           event_type="query:REFUND_SUCCESS", kind=FactKind.REFUNDED,
                           provider_ref=ref, refund_fen=amount, currency="cny",
                           detail={"out_request_no": out_request_no})

    async def _refund_status(self, ref: str, out_request_no: str) -> dict[str, Any]:
        method = "alipay.trade.fastpay.refund.query"
        answer = await self._call(method, {"out_trade_no": ref, "out_request_no": out_request_no})
        self._require_success(method, answer)
        return answer

    @staticmethod
    def _ref(payment: Payment) -> str:
        if not payment.provider_ref:
            raise ProviderUnavailable("the payment has no Alipay trade number")
        return payment.provider_ref

    @staticmethod
    def _require_success(method: str, answer: dict[str, Any]) -> None:
        if answer.get("code") != SUCCESS:
            code, sub_code = str(answer.get("code")), str(answer.get("sub_code"))
            log.warning("alipay %s failed: code %s sub_code %s", method, code, sub_code)
            raise _GatewayRefused(code, sub_code)

    async def _call(self, method: str, biz: dict[str, Any]) -> dict[str, Any]:
        """Send a signed request; the verified response object (signed business failures
        included); unsigned, forged or unreachable answers raise."""
        signed = self.sdk.sign_data(self._body(method, biz))
        try:
            response = await self.http.post(self.gateway, content=signed.encode(), headers={
                "Content-Type": "application/x-www-form-urlencoded;charset=utf-8"})
        except httpx.HTTPError as exc:
            log.warning("alipay %s unreachable: %s", method, type(exc).__name__)
            raise ProviderUnavailable("alipay could not be reached") from None
        response_type = method.replace(".", "_") + "_response"
        raw = response.content.decode("utf-8", errors="replace")
        try:
            document = json.loads(raw)
            answer = document.get(response_type) or document.get("error_response") or {}
        except (ValueError, AttributeError):
            log.warning("alipay %s answered HTTP %s without JSON", method, response.status_code)
            raise ProviderUnavailable("alipay answered something else than JSON") from None
        try:
            # The SDK's private helper is its only check of a synchronous answer: Alipay's RSA2
            # signature over the response object's exact text (not a re-serialisation); its
            # public counterpart also does the blocking urllib request we cannot use here.
            return self.sdk._verify_and_return_sync_response(raw, response_type)
        except AliPayException:  # no signature: an error the gateway did not sign
            code, sub_code = str(answer.get("code")), str(answer.get("sub_code"))
            log.warning("alipay %s refused: code %s sub_code %s", method, code, sub_code)
            raise _GatewayRefused(code, sub_code) from None
        except (AliPayValidationError, ValueError, TypeError, AttributeError):
            log.warning("alipay %s answer failed signature verification", method)
            raise ProviderUnavailable("alipay's answer did not verify") from None

    async def aclose(self) -> None:
        await self.http.aclose()
