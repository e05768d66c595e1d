"""Alipay notifications against the Alipay stand-in: trade statuses as facts, the amount
Alipay signed; forged, foreign, tampered, stale and malformed notifications refused, a late
redelivery within the window taken; the signing text; the acknowledgements."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest

from tests.mall.alipay_provider import Rail
from tests.mall.standins import Notification
from tests.mall.standins.alipay import now_text, signing_text
from unionhub.mall.providers.base import FactKind, InvalidNotification


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
