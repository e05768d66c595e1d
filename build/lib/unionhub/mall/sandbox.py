"""The sandbox rail's own side (development only): what a payer and the rail do, as the pay
page (served here) and `unionhub sandbox` (unionhub.mall.sandbox_cli) do them.

Each action changes the rail's ledger (`mall_sandbox_trades`) and sends the signed
notification a real rail would send, to the same webhook route (/webhooks/sandbox) and
through the same once-only gate as every rail's (mall.payments.apply_fact). So the whole
lifecycle can be tried by hand: paid, failed, timed out, paid late, refunded, refund failed.
"""

from __future__ import annotations

import html
import json
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs

import httpx
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from unionhub.clock import utcnow
from unionhub.mall.models import Payment, SandboxTrade
from unionhub.mall.providers import configured_names
from unionhub.mall.providers.sandbox import SIGNATURE_HEADER, signature
from unionhub.settings import Settings, get_settings

WEBHOOK_PATH = "/webhooks/sandbox"
PAYER_OUTCOMES = ("pay", "fail", "cancel")


class SandboxRefused(Exception):
    """An action the sandbox rail refuses; `code` is stable (CLI output, the page)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass(frozen=True)
class Notification:
    headers: dict[str, str]
    body: bytes


def refuse_unless_enabled(settings: Settings | None = None) -> None:
    settings = settings or get_settings()
    if settings.is_production:
        raise SandboxRefused("SANDBOX_DISABLED_IN_PRODUCTION",
                             "the sandbox payment rail does not run in production")
    if "sandbox" not in configured_names(settings):
        raise SandboxRefused("SANDBOX_NOT_CONFIGURED", "no payment method uses the sandbox rail "
                             "(UNIONHUB_PAYMENT_PROVIDERS)")


def _signed(event_type: str, trade: SandboxTrade, **fields: object) -> Notification:
    event = {"id": f"sbx_{uuid.uuid4().hex}", "type": event_type,
             "out_trade_no": trade.out_trade_no, "created": utcnow().isoformat(), **fields}
    body = json.dumps(event).encode()
    return Notification({SIGNATURE_HEADER: signature(get_settings().sandbox_secret, body),
                         "Content-Type": "application/json"}, body)


async def trade_of_order(order_id: int) -> SandboxTrade:
    payment = await Payment.filter(order_id=order_id, provider="sandbox").order_by("-id").first()
    trade = payment and await SandboxTrade.get_or_none(out_trade_no=payment.provider_ref or "")
    if not trade:
        raise SandboxRefused("SANDBOX_NO_PAYMENT",
                             f"order {order_id} has no sandbox payment: call payOrder first")
    return trade


async def payer_outcome(trade: SandboxTrade, outcome: str, *, late_ok: bool) -> Notification:
    """The payer pays, fails or cancels at the rail. `late_ok` (the CLI) pays a closed or
    expired trade as a payment racing the close would: the money then meets a cancelled
    order and is refunded."""
    if outcome not in PAYER_OUTCOMES:
        raise SandboxRefused("SANDBOX_BAD_OUTCOME", f"outcome is one of {PAYER_OUTCOMES}")
    if trade.status == "SUCCESS":
        raise SandboxRefused("SANDBOX_ALREADY_PAID", "this trade is paid already")
    closed = trade.status == "CLOSED" or trade.expires_at <= utcnow()
    if closed and not late_ok:
        raise SandboxRefused("SANDBOX_TRADE_CLOSED", "this trade is closed: it cannot be paid")
    if outcome == "pay":
        await SandboxTrade.filter(id=trade.id).update(status="SUCCESS", paid_fen=trade.amount_fen)
        return _signed("payment.succeeded", trade, amount_fen=trade.amount_fen)
    # A declined payment, or a payer who gave up: the trade may be paid again later.
    await SandboxTrade.filter(id=trade.id, status="NOTPAY").update(status="FAILED")
    return _signed("payment.failed", trade,
                   code="CARD_DECLINED" if outcome == "fail" else "PAYER_CANCELLED")


async def refund_outcome(trade: SandboxTrade, ok: bool) -> Notification:
    """The rail ends the refund in progress: the money went back, or it could not."""
    if trade.refund_status != "PROCESSING" or not trade.refund_no:
        raise SandboxRefused("SANDBOX_NO_REFUND_PENDING",
                             "no refund of this order is in progress at the sandbox rail")
    status = "SUCCESS" if ok else "FAILED"
    await SandboxTrade.filter(id=trade.id, refund_status="PROCESSING").update(
        refund_status=status)
    if ok:
        return _signed("refund.succeeded", trade, out_refund_no=trade.refund_no,
                       amount_fen=trade.paid_fen)
    return _signed("refund.failed", trade, out_refund_no=trade.refund_no,
                   code="ACCOUNT_FROZEN")


async def deliver(client: httpx.AsyncClient, notification: Notification) -> httpx.Response:
    return await client.post(WEBHOOK_PATH, content=notification.body,
                             headers=notification.headers)


# --- the pay page --------------------------------------------------------------------------

_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>UnionHub sandbox rail</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}}
button{{font-size:1.1rem;margin:.3rem;padding:.5rem 1.2rem}}.note{{color:#555}}</style></head>
<body><h1>Sandbox payment</h1>
<p class="note">Development only: no money moves. The rail notifies UnionHub as a real one would.</p>
<p>Trade <code>{trade}</code><br>Amount <strong>¥{yuan}</strong><br>Status <strong>{status}</strong>
{refund}</p>{message}{form}</body></html>"""
_FORM = """<form method="post">
<button name="outcome" value="pay">Pay</button>
<button name="outcome" value="fail">Fail</button>
<button name="outcome" value="cancel">Cancel</button></form>"""


def _render(trade: SandboxTrade, message: str = "") -> HTMLResponse:
    payable = trade.status in ("NOTPAY", "FAILED") and trade.expires_at > utcnow()
    refund = f"<br>Refund <strong>{html.escape(trade.refund_status)}</strong>" \
        if trade.refund_status else ""
    return HTMLResponse(_PAGE.format(
        trade=html.escape(trade.out_trade_no), yuan=f"{trade.amount_fen / 100:.2f}",
        status=html.escape(trade.status), refund=refund,
        message=f"<p>{html.escape(message)}</p>" if message else "",
        form=_FORM if payable else ""))


async def _page_trade(request: Request) -> SandboxTrade | None:
    try:
        refuse_unless_enabled()
    except SandboxRefused:
        return None
    return await SandboxTrade.get_or_none(out_trade_no=request.path_params["trade_no"][:64])


async def pay_page(request: Request) -> Response:
    trade = await _page_trade(request)
    if trade is None:
        return HTMLResponse("not found", status_code=404)
    said = request.query_params.get("said", "")
    return _render(trade, f"UnionHub answered the rail's notification: {said}" if said else "")


async def pay_page_action(request: Request) -> Response:
    trade = await _page_trade(request)
    if trade is None:
        return HTMLResponse("not found", status_code=404)
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    try:
        notification = await payer_outcome(trade, (form.get("outcome") or [""])[0],
                                           late_ok=False)
    except SandboxRefused as refused:
        return _render(await SandboxTrade.get(id=trade.id), str(refused))
    # The notification goes through the app's own webhook route, as a rail's request would.
    transport = httpx.ASGITransport(app=request.scope["app"])
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox-rail") as client:
        answer = await deliver(client, notification)
    said = answer.json().get("outcome", answer.status_code)
    return RedirectResponse(f"{request.url.path}?said={said}", status_code=303)


ROUTES = [Route("/sandbox/pay/{trade_no}", pay_page, methods=["GET"]),
          Route("/sandbox/pay/{trade_no}", pay_page_action, methods=["POST"])]
