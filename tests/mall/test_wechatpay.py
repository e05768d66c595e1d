"""WeChat Pay API v3 provider against the local stand-in (tests/mall/standins/wechatpay.py):
checkout per channel, notifications (signature, certificate rotation, replay window,
decryption, merchant), refunds, status queries, and the start-up check of its settings."""

from __future__ import annotations

import base64
import json
import logging
import math
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from tests.mall.conftest import PAY, place, registered, send
from tests.mall.standins.wechatpay import (
    APPID,
    MCHID,
    NOTIFY_URL,
    Notification,
    WeChatPayStandIn,
    pem,
    session_keys,
    settings_for,
    standin,
)
from unionhub.errors import ValidationFailed
from unionhub.mall.models import Payment, PaymentMethod, ProviderEvent
from unionhub.mall.providers import check_configuration
from unionhub.mall.providers.base import (
    FactKind,
    InvalidNotification,
    PayChannel,
    PaymentConfigurationError,
    PaymentRequest,
    ProviderUnavailable,
    query_event_id,
)
from unionhub.mall.providers.wechatpay import WeChatPayProvider
from unionhub.settings import Settings, get_settings

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


# --- checkout ------------------------------------------------------------------------------

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


# --- platform certificates -----------------------------------------------------------------

async def test_certificates_are_downloaded_once_and_cached_in_cert_dir(monkeypatch, wechat,
                                                                        tmp_path):
    monkeypatch.setattr(get_settings(), "wechatpay_cert_dir", str(tmp_path / "certs"))
    first = WeChatPayProvider(get_settings())
    try:
        await first.create_payment(request())
        await first.create_payment(request())
        await first.parse_notification(**_parts(wechat.success_notification(await paid(first, wechat))))
        assert wechat.certificate_downloads == 1
    finally:
        await first.aclose()
    platform = session_keys().platform
    assert (tmp_path / "certs" / f"{platform.serial}.pem").read_text() == platform.cert_pem
    second = WeChatPayProvider(get_settings())  # a restart: the certificate comes from disk
    try:
        await second.create_payment(request())
        assert wechat.certificate_downloads == 1
    finally:
        await second.aclose()


async def test_no_certificate_means_unavailable(monkeypatch, wechat):
    wechat.served = []
    provider = WeChatPayProvider(get_settings())
    try:
        with pytest.raises(ProviderUnavailable):
            await provider.create_payment(request())
        assert wechat.calls.payments == []
    finally:
        await provider.aclose()


async def test_platform_public_key_mode_downloads_nothing(monkeypatch, wechat):
    platform = session_keys().platform
    public_key_id = "PUB_KEY_ID_0119000091912025010100000000000001"
    monkeypatch.setattr(get_settings(), "wechatpay_public_key", platform.public_key_pem)
    monkeypatch.setattr(get_settings(), "wechatpay_public_key_id", public_key_id)
    wechat.public_key_id = public_key_id
    provider = WeChatPayProvider(get_settings())
    try:
        ref = await paid(provider, wechat)
        note = wechat.success_notification(ref)
        assert note.headers["Wechatpay-Serial"] == public_key_id
        assert (await provider.parse_notification(**_parts(note))).kind is FactKind.SUCCEEDED
        assert wechat.certificate_downloads == 0
    finally:
        await provider.aclose()


async def test_a_rotated_certificate_is_fetched_when_a_notification_names_it(provider, wechat):
    ref = await paid(provider, wechat)
    assert wechat.certificate_downloads == 1
    wechat.rotate()
    note = wechat.success_notification(ref)
    assert note.headers["Wechatpay-Serial"] == session_keys().rotated.serial
    fact = await provider.parse_notification(**_parts(note))
    assert fact.kind is FactKind.SUCCEEDED and wechat.certificate_downloads == 2


# --- notifications -------------------------------------------------------------------------

def _parts(note: Notification) -> dict[str, Any]:
    return {"headers": note.headers, "body": note.body}


async def test_success_notification_is_a_succeeded_fact(provider, wechat):
    ref = await paid(provider, wechat, amount_fen=4321)
    note = wechat.success_notification(ref, notification_id="EV-2018022511223320873")
    fact = await provider.parse_notification(**_parts(note))
    assert fact.kind is FactKind.SUCCEEDED and fact.event_type == "TRANSACTION.SUCCESS"
    assert fact.event_id == "EV-2018022511223320873"
    assert (fact.provider_ref, fact.amount_fen, fact.currency) == (ref, 4321, "cny")
    assert fact.detail == {"transaction_id": wechat.trades[ref]["transaction_id"]}
    # Header names arrive lower-cased through ASGI.
    lower = {k.lower(): v for k, v in note.headers.items()}
    assert (await provider.parse_notification(lower, note.body)) == fact


async def test_the_paid_amount_is_what_wechat_says(provider, wechat):
    checkout = await provider.create_payment(request(amount_fen=5000))
    wechat.pay(checkout.provider_ref, amount_fen=1)
    fact = await provider.parse_notification(
        **_parts(wechat.success_notification(checkout.provider_ref)))
    assert fact.amount_fen == 1


def _tampered(note: Notification) -> Notification:
    envelope = json.loads(note.body)
    sealed = bytearray(base64.b64decode(envelope["resource"]["ciphertext"]))
    sealed[0] ^= 1
    envelope["resource"]["ciphertext"] = base64.b64encode(bytes(sealed)).decode()
    return envelope


async def _refused(provider, note: Notification) -> str:
    with pytest.raises(InvalidNotification) as err:
        await provider.parse_notification(**_parts(note))
    message = str(err.value)
    assert note.body.decode()[:40] not in message
    return message


async def test_forged_signature_is_refused(provider, wechat):
    ref = await paid(provider, wechat)
    assert "signature" in await _refused(provider, wechat.forge(wechat.success_notification(ref)))


async def test_a_body_changed_after_signing_is_refused(provider, wechat):
    ref = await paid(provider, wechat)
    note = wechat.success_notification(ref)
    body = note.body.replace(b"TRANSACTION.SUCCESS", b"TRANSACTION.SUCCESS ")
    await _refused(provider, Notification(headers=note.headers, body=body))


async def test_unknown_serial_is_refused_and_refreshes_at_most_once_a_minute(provider, wechat):
    ref = await paid(provider, wechat)
    rogue_platform = replace(session_keys().rotated, key=session_keys().rogue)
    for _ in range(3):  # signed by a key whose certificate WeChat never issued
        note = wechat.notification("TRANSACTION.SUCCESS", wechat.trade_view(ref),
                                   original_type="transaction", summary="支付成功",
                                   platform=rogue_platform)
        await _refused(provider, note)
    assert wechat.certificate_downloads == 2  # start-up, then one refresh for the unknown serial
    # a failed refresh left the known certificate in place
    await provider.parse_notification(**_parts(wechat.success_notification(ref)))


@pytest.mark.parametrize("offset", [-301, -3600, 301])
async def test_a_timestamp_outside_300_seconds_is_a_replay(provider, wechat, offset):
    ref = await paid(provider, wechat)
    # Rounded up, not down: with int() a +301 s stamp made in the last part of a second was
    # within 300 s by the time it was checked (seen once under load).
    note = wechat.success_notification(ref, timestamp=math.ceil(time.time()) + offset)
    assert "timestamp" in await _refused(provider, note)


async def test_stale_notification_from_the_stand_in_is_refused(provider, wechat):
    ref = await paid(provider, wechat)
    await _refused(provider, wechat.stale(ref))


async def test_a_notification_for_another_merchant_is_refused(provider, wechat):
    ref = await paid(provider, wechat)
    resource = {**wechat.trade_view(ref), "mchid": "1230000109"}
    note = wechat.notification("TRANSACTION.SUCCESS", resource, original_type="transaction",
                               summary="支付成功")
    assert "merchant" in await _refused(provider, note)


async def test_tampered_ciphertext_is_refused(provider, wechat):
    ref = await paid(provider, wechat)
    note = wechat.success_notification(ref)
    body = json.dumps(_tampered(note))
    # signed correctly over the tampered body: only the AEAD tag can tell
    headers = wechat.signed_headers(body, session_keys().platform)
    assert "undecryptable" in await _refused(provider, Notification(headers, body.encode()))


async def test_a_resource_encrypted_with_another_apiv3_key_is_refused(provider, wechat):
    ref = await paid(provider, wechat)
    keys = session_keys()
    object.__setattr__(wechat, "keys", replace(keys, apiv3_key="0" * 32))
    try:
        note = wechat.success_notification(ref)
    finally:
        object.__setattr__(wechat, "keys", keys)
    await _refused(provider, note)


@pytest.mark.parametrize("case", ["no-headers", "bad-json", "plain-resource", "bad-timestamp",
                                  "other-signature-type", "bad-serial"])
async def test_malformed_notifications_are_refused(provider, wechat, case):
    ref = await paid(provider, wechat)
    note = wechat.success_notification(ref)
    headers, body = dict(note.headers), note.body.decode()
    if case == "no-headers":
        headers = {"Content-Type": "application/json"}
    elif case == "bad-json":
        body = body[:-2]
        headers = wechat.signed_headers(body, session_keys().platform)
    elif case == "plain-resource":
        envelope = json.loads(body)
        envelope["resource_type"] = "plain"
        body = json.dumps(envelope)
        headers = wechat.signed_headers(body, session_keys().platform)
    elif case == "bad-timestamp":
        headers["Wechatpay-Timestamp"] = "yesterday"
    elif case == "other-signature-type":
        headers["Wechatpay-Signature-Type"] = "WECHATPAY2-SM2-WITH-SM3"
    elif case == "bad-serial":
        headers["Wechatpay-Serial"] = "not-a-serial"
    await _refused(provider, Notification(headers, body.encode()))


async def test_refund_notifications(provider, wechat):
    ref = await paid(provider, wechat)
    await provider.refund(payment_for(ref), None)
    fact = await provider.parse_notification(**_parts(wechat.refund_notification(ref)))
    assert fact.kind is FactKind.REFUNDED and fact.event_type == "REFUND.SUCCESS"
    assert fact.provider_ref == ref and fact.full_refund
    assert fact.detail["out_refund_no"] == f"{ref}R"
    partial = await provider.parse_notification(
        **_parts(wechat.refund_notification(ref, refund_fen=100)))
    assert partial.kind is FactKind.REFUNDED and not partial.full_refund
    for status in ("ABNORMAL", "CLOSED"):
        fact = await provider.parse_notification(
            **_parts(wechat.refund_notification(ref, status=status)))
        # WeChat ended the refund without the money going back: a person must act.
        assert fact.kind is FactKind.REFUND_FAILED and fact.event_type == f"REFUND.{status}"
        assert fact.provider_ref == ref and fact.failure_code == status
        assert fact.detail["out_refund_no"] == f"{ref}R"


async def test_acknowledgements_follow_wechat_pay_v3():
    provider = WeChatPayProvider(Settings(**settings_for(session_keys())))
    for outcome in ("applied", "duplicate", "ignored"):
        answer = provider.acknowledge(outcome)
        assert answer.status_code in (200, 204) and answer.body == b""
    refused = provider.acknowledge(None)
    assert 400 <= refused.status_code < 600
    assert json.loads(refused.body)["code"] == "FAIL"


# --- refunds and queries -------------------------------------------------------------------

async def test_refund_is_asked_once_per_payment(provider, wechat):
    ref = await paid(provider, wechat, amount_fen=5000)
    result = await provider.refund(payment_for(ref), "商品缺货")
    assert result.refund_ref == f"{ref}R" and not result.completed  # PROCESSING
    sent = wechat.refund_requests[0]
    assert sent["out_trade_no"] == ref and sent["out_refund_no"] == f"{ref}R"
    assert sent["amount"] == {"refund": 5000, "total": 5000, "currency": "CNY"}
    assert sent["notify_url"] == NOTIFY_URL and sent["reason"] == "商品缺货"
    again = await provider.refund(payment_for(ref), None)
    assert again.refund_ref == result.refund_ref
    assert len(wechat.refund_requests) == 2 and wechat.calls.refunds == [ref]
    wechat.refund_notification(ref)  # the refund completes at WeChat
    assert (await provider.refund(payment_for(ref), None)).completed


async def test_refund_refused_is_provider_unavailable(provider, wechat):
    checkout = await provider.create_payment(request())  # never paid: WeChat refuses
    with pytest.raises(ProviderUnavailable):
        await provider.refund(payment_for(checkout.provider_ref), None)


@pytest.mark.parametrize(("state", "kind"), [
    ("SUCCESS", FactKind.SUCCEEDED), ("CLOSED", FactKind.CLOSED),
    # PAYERROR: a failed attempt, not final (the order's timeout closes the trade)
    ("PAYERROR", FactKind.FAILED), ("REVOKED", FactKind.CLOSED),
    ("NOTPAY", None), ("USERPAYING", None)])
async def test_query_by_trade_state(provider, wechat, state, kind):
    checkout = await provider.create_payment(request(amount_fen=2500))
    ref = checkout.provider_ref
    if state == "SUCCESS":
        wechat.pay(ref)
    else:
        wechat.set_state(ref, state)
    fact = await provider.query(payment_for(ref, 2500))
    assert wechat.calls.queries == [ref]
    if kind is None:
        assert fact is None
        return
    assert fact.kind is kind and fact.provider_ref == ref
    assert fact.event_id == query_event_id(ref, kind)
    if kind is FactKind.SUCCEEDED:
        assert (fact.amount_fen, fact.currency) == (2500, "cny")
    else:
        assert fact.failure_code == state


async def test_query_of_a_trade_wechat_never_saw(provider, wechat):
    assert await provider.query(payment_for("UH99999999W")) is None


async def test_query_refund(provider, wechat):
    ref = await paid(provider, wechat)
    payment = payment_for(ref, refund_ref=f"{ref}R")
    assert await provider.query_refund(payment) is None  # not asked yet
    await provider.refund(payment, None)
    assert await provider.query_refund(payment) is None  # PROCESSING
    wechat.refund_notification(ref)  # never delivered: the query finds out
    fact = await provider.query_refund(payment)
    assert fact.kind is FactKind.REFUNDED and fact.provider_ref == ref and fact.full_refund


# --- configuration -------------------------------------------------------------------------

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


async def test_a_wrongly_paid_amount_is_refunded_in_full(provider, wechat):
    checkout = await provider.create_payment(request(amount_fen=5000))
    wechat.pay(checkout.provider_ref, amount_fen=100)
    await provider.refund(payment_for(checkout.provider_ref, 5000), None)
    assert wechat.refund_requests[0]["amount"] == {"refund": 100, "total": 100, "currency": "CNY"}


# --- through GraphQL and the webhook route ---------------------------------------------------

@pytest.fixture
async def wired(monkeypatch) -> AsyncIterator[WeChatPayStandIn]:
    """The stand-in behind the app's own provider registry."""
    async with registered(standin(monkeypatch)) as stand_in:
        yield stand_in


async def test_pay_inside_wechat_through_graphql(gql, factory, mall, wired):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    pay = {"orderId": order["id"], "method": "WECHAT_PAY", "channel": "MINI_PROGRAM"}
    missing = (await gql(PAY, {"input": pay}, token=member.token)).data["payOrder"]
    assert [(e["code"], e["field"]) for e in missing["errors"]] == [
        ("PAYER_OPENID_REQUIRED", "payerOpenId")]
    assert wired.calls.payments == []
    result = await gql(PAY, {"input": {**pay, "payerOpenId": OPENID}}, token=member.token)
    checkout = result.data["payOrder"]["checkout"]
    params = checkout["wechatPayParams"]
    assert checkout["provider"] == "wechatpay" and checkout["codeUrl"] is None
    assert wired.calls.payments[0]["payer"] == {"openid": OPENID}
    assert wired.calls.payments[0]["out_trade_no"] == checkout["reference"]
    verify_rsa(session_keys().merchant, "\n".join(
        [params["appId"], params["timeStamp"], params["nonceStr"], params["package"]]) + "\n",
        params["paySign"])


async def test_the_webhook_answers_in_wechat_pay_v3_terms(http, gql, factory, mall, wired):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    result = await gql(PAY, {"input": {"orderId": order["id"], "method": "WECHAT_PAY"}},
                       token=member.token)
    ref = wired.ref_from_checkout(result.data["payOrder"]["checkout"])
    wired.pay(ref)
    note = wired.success_notification(ref)
    body = json.dumps(_tampered(note))
    tampered = await send(http, wired.webhook_path,
                          Notification(wired.signed_headers(body, session_keys().platform),
                                       body.encode()))
    assert tampered.status_code == 400 and tampered.json()["code"] == "FAIL"
    taken = await send(http, wired.webhook_path, note)
    assert taken.status_code == 204 and taken.content == b""
    assert (await Payment.get(provider_ref=ref)).status == "SUCCEEDED"
    # An abnormal refund is verified, kept for operators, and acknowledged.
    abnormal = await send(http, wired.webhook_path, wired.refund_notification(ref, status="ABNORMAL"))
    assert abnormal.status_code == 204
    assert await ProviderEvent.filter(provider="wechatpay", type="REFUND.ABNORMAL").count() == 1
