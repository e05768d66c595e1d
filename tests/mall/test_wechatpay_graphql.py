"""WeChat Pay through the app: payOrder inside WeChat through GraphQL (the payer's openid
required, the parameters signed for wx.requestPayment), and the webhook route answering in
WeChat Pay v3 terms (a tampered notification refused, an abnormal refund kept)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from tests.mall.conftest import PAY, place, registered, send
from tests.mall.standins import Notification
from tests.mall.standins._wechatpay_keys import session_keys
from tests.mall.standins.wechatpay import WeChatPayStandIn, standin
from tests.mall.wechatpay_provider import OPENID, _tampered, verify_rsa
from unionhub.mall.models import Payment, ProviderEvent


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
