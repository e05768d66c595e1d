"""`unionhub sandbox pay ORDER_ID [--fail]` and `unionhub sandbox refund-result ORDER_ID
--ok|--fail`: the sandbox rail's payer and refund outcomes from a shell (development only).

They change the rail's ledger in the database and post the rail's signed notification to
the running server's /webhooks/sandbox (UNIONHUB_SANDBOX_BASE_URL, or --server), exactly as
the pay page's buttons do. Refusals print `CODE: message` and exit with status 1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from typing import Any


def add_commands(group: argparse._SubParsersAction[Any]) -> None:  # (of cli_args.Parser)
    """Register `pay` and `refund-result` under the `sandbox` command group."""
    pay = group.add_parser("pay", help="the payer pays an order's sandbox payment (or fails)")
    pay.add_argument("order_id", type=int)
    pay.add_argument("--fail", action="store_true", help="the payment fails (card declined)")
    refund = group.add_parser("refund-result", help="the sandbox rail ends an order's refund")
    refund.add_argument("order_id", type=int)
    outcome = refund.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--ok", action="store_true", help="the money went back")
    outcome.add_argument("--fail", action="store_true", help="the refund failed")
    for command in (pay, refund):
        command.add_argument("--server", default=None,
                             help="UnionHub's base URL (default: UNIONHUB_SANDBOX_BASE_URL)")
    pay.set_defaults(sandbox_run=lambda args: _run(args, "pay"))
    refund.set_defaults(sandbox_run=lambda args: _run(args, "refund-result"))


def _run(args: argparse.Namespace, command: str) -> None:
    from unionhub.mall import sandbox  # imported here: building the parser stays light

    # Checked before the settings load: production settings may refuse to load for other
    # reasons, and this refusal must say what it is.
    if os.environ.get("UNIONHUB_ENV") == "production":
        raise SystemExit("SANDBOX_DISABLED_IN_PRODUCTION: the sandbox payment rail does not "
                         "run in production")
    try:
        sandbox.refuse_unless_enabled()
        print(asyncio.run(_act(args, command)))
    except sandbox.SandboxRefused as refused:
        raise SystemExit(str(refused)) from None


async def _act(args: argparse.Namespace, command: str) -> str:
    import httpx

    from unionhub import db
    from unionhub.mall import sandbox
    from unionhub.settings import get_settings

    await db.init_db()
    try:
        trade = await sandbox.trade_of_order(args.order_id)
        if command == "pay":
            outcome = "fail" if args.fail else "pay"
            notification = await sandbox.payer_outcome(trade, outcome, late_ok=True)
            what = "payment failed" if args.fail else "paid"
        else:
            notification = await sandbox.refund_outcome(trade, ok=args.ok)
            what = "refund succeeded" if args.ok else "refund failed"
    finally:
        await db.close_db()
    server = (args.server or get_settings().sandbox_base_url).rstrip("/")
    try:
        async with httpx.AsyncClient(base_url=server, timeout=10) as client:
            answer = await sandbox.deliver(client, notification)
    except httpx.HTTPError:
        raise sandbox.SandboxRefused(
            "SANDBOX_SERVER_UNREACHABLE", f"{what} at the rail, but {server} did not answer; "
            "reconciliation will learn it from the rail") from None
    if answer.status_code != 200:
        raise sandbox.SandboxRefused("SANDBOX_NOTIFICATION_REFUSED",
                                     f"UnionHub answered {answer.status_code}")
    return f"order {args.order_id}: {what}; UnionHub took the notification " \
           f"({answer.json().get('outcome')})"
