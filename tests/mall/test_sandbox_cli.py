"""The sandbox rail's whole lifecycle from a shell, as `make up` users try it: a real
`unionhub serve` process, and `unionhub sandbox pay` / `refund-result` as real processes
posting signed notifications to its webhook route (as tests/test_cli.py runs the CLI)."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import timedelta

import httpx
import pytest

from tests.conftest import GraphQLClient
from tests.mall.conftest import PAY, place
from tests.processes import ROOT, free_port, run, unionhub, wait_healthy
from unionhub.clock import utcnow
from unionhub.mall import reconciliation
from unionhub.mall.models import Order, Payment, PaymentException, SandboxTrade
from unionhub.mall.providers import reset_providers
from unionhub.settings import get_settings

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

ALL_SANDBOX = {"ALIPAY": "sandbox", "WECHAT_PAY": "sandbox", "CARD": "sandbox"}
REFUND = """mutation R($input: RefundOrderInput!) { refundOrder(input: $input) {
  order { id status } errors { code } } }"""
QUEUE = """query { paymentExceptions(status: OPEN) { edges { node { id kind orderId } } } }"""
RESOLVE = """mutation X($input: ResolvePaymentExceptionInput!) { resolvePaymentException(input: $input) {
  exception { status } errors { code } } }"""


async def _status(order_id: str) -> tuple[str, str]:
    payment = await Payment.filter(order_id=int(order_id)).first()
    assert payment is not None
    return (await Order.get(id=int(order_id))).status.value, payment.status.value


async def _sandbox(env: dict[str, str], *args: str) -> str:
    done = await run("sandbox", *args, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_the_whole_sandbox_lifecycle_through_the_cli(factory, mall, monkeypatch):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "UNIONHUB_PAYMENT_PROVIDERS": json.dumps(ALL_SANDBOX),
           "UNIONHUB_SANDBOX_BASE_URL": base}
    monkeypatch.setattr(get_settings(), "payment_providers", ALL_SANDBOX)
    monkeypatch.setattr(get_settings(), "sandbox_base_url", base)
    await reset_providers()
    member = await factory.account()
    operator = await factory.operator()
    server = await asyncio.create_subprocess_exec(
        *unionhub("serve", "--port", str(port)), cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=20) as client:
            await wait_healthy(client, server)
            gql = GraphQLClient(client)
            order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
            paid = await gql(PAY, {"input": {"orderId": order["id"], "method": "WECHAT_PAY"}},
                             token=member.token)
            checkout = paid.data["payOrder"]["checkout"]
            assert checkout["provider"] == "sandbox" and checkout["payUrl"].startswith(base)
            assert (await client.get(checkout["payUrl"])).status_code == 200  # served there

            # Failed, then paid.
            out = await _sandbox(env, "pay", order["id"], "--fail")
            assert "payment failed" in out and "(applied)" in out
            assert await _status(order["id"]) == ("PENDING_PAYMENT", "REQUIRES_PAYMENT")
            assert "paid" in await _sandbox(env, "pay", order["id"])
            assert await _status(order["id"]) == ("PAID", "SUCCEEDED")

            # Refunded; the refund fails at the rail; an operator retries; it goes through.
            await gql(REFUND, {"input": {"orderId": order["id"]}}, token=member.token)
            assert await _status(order["id"]) == ("REFUNDED", "REFUND_PENDING")
            await _sandbox(env, "refund-result", order["id"], "--fail")
            assert await _status(order["id"]) == ("REFUNDED", "REFUND_FAILED")
            queue = (await gql(QUEUE, token=operator.token)).data["paymentExceptions"]
            [node] = [e["node"] for e in queue["edges"]]
            assert (node["kind"], node["orderId"]) == ("REFUND_FAILED", order["id"])
            retried = await gql(RESOLVE, {"input": {"id": node["id"], "action": "RETRY"}},
                                token=operator.token)
            assert retried.data["resolvePaymentException"]["errors"] == []
            await _sandbox(env, "refund-result", order["id"], "--ok")
            assert await _status(order["id"]) == ("REFUNDED", "REFUNDED")

            # Timed out (the trade closed at the rail), then paid late: refunded.
            late = (await place(gql, member, [(mall.cheap_sku_id, 1)]))["order"]
            await gql(PAY, {"input": {"orderId": late["id"], "method": "ALIPAY"}},
                      token=member.token)
            await Order.filter(id=int(late["id"])).update(
                expires_at=utcnow() - timedelta(seconds=1))
            assert await reconciliation.cancel_expired_orders() == 1
            trade = await SandboxTrade.get(out_trade_no=f"UH{late['id']}A")
            assert trade.status == "CLOSED"
            assert "paid" in await _sandbox(env, "pay", late["id"])
            assert await _status(late["id"]) == ("CANCELLED", "REFUND_PENDING")
            await _sandbox(env, "refund-result", late["id"], "--ok")
            assert await _status(late["id"]) == ("CANCELLED", "REFUNDED")

            # Refusals name what is wrong and change nothing.
            none_left = await run("sandbox", "refund-result", late["id"], "--ok", env=env)
            assert none_left.returncode == 1
            assert none_left.stderr.startswith("SANDBOX_NO_REFUND_PENDING")
            unknown = await run("sandbox", "pay", "999999", env=env)
            assert unknown.stderr.startswith("SANDBOX_NO_PAYMENT")
            assert await PaymentException.filter(status="OPEN").count() == 0
    finally:
        if server.returncode is None:
            server.terminate()
        await server.wait()
        await reset_providers()


async def test_sandbox_commands_refused_in_production_and_when_not_configured():
    production = {**os.environ, "UNIONHUB_ENV": "production",
                  "UNIONHUB_PAYMENT_PROVIDERS": json.dumps(ALL_SANDBOX)}
    refused = await run("sandbox", "pay", "1", env=production)
    assert refused.returncode == 1
    assert refused.stderr.startswith("SANDBOX_DISABLED_IN_PRODUCTION")
    refused = await run("sandbox", "refund-result", "1", "--ok", env=production)
    assert refused.stderr.startswith("SANDBOX_DISABLED_IN_PRODUCTION")
    stripe_only = {k: v for k, v in os.environ.items() if k != "UNIONHUB_PAYMENT_PROVIDERS"}
    not_configured = await run("sandbox", "pay", "1", env=stripe_only)  # test mode: Stripe
    assert not_configured.returncode == 1
    assert not_configured.stderr.startswith("SANDBOX_NOT_CONFIGURED")
