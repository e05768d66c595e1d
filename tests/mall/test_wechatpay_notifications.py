"""WeChat Pay API v3 notifications, against the local stand-in: payment and refund
notifications as facts; forged signatures, changed bodies, unknown serials, replays outside
300 seconds, another merchant's, tampered or foreign-key ciphertexts and malformed envelopes
refused; the acknowledgements WeChat expects."""

from __future__ import annotations

import json
import math
import time
from dataclasses import replace

import pytest

from tests.mall.standins import Notification
from tests.mall.standins._wechatpay_keys import session_keys, settings_for
from tests.mall.wechatpay_provider import _parts, _tampered, paid, payment_for, request
from unionhub.mall.providers.base import FactKind, InvalidNotification
from unionhub.mall.providers.wechatpay import WeChatPayProvider
from unionhub.settings import Settings


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
