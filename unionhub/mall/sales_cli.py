"""`unionhub mall rebuild-sales-summary` and `unionhub mall check-sales-summary`: the mall
report's sales summary (mall.sales_summary) recomputed from the orders, or compared with them
(exit 1 when they differ, listing the first keys that do)."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import Any

from unionhub.cli_args import non_negative


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:  # (of cli_args.Parser)
    mall = sub.add_parser("mall", help="the mall report's sales summary: rebuild or check it")
    mall.add_argument("action", choices=["rebuild-sales-summary", "check-sales-summary"],
                      help="rebuild: recompute it from the orders (idempotent; payments wait "
                           "for it, none is lost); check: compare it with the orders (exit 1 "
                           "when they differ)")
    mall.add_argument("--limit", type=non_negative, default=20,
                      help="check: how many differing rows to list")


def dispatch(args: argparse.Namespace,
             run: Callable[[Callable[[], Awaitable[None]]], None]) -> bool:
    """Runs the command if it is this one; False otherwise."""
    if args.command != "mall":
        return False
    run(lambda: _act(args.action, args.limit))
    return True


async def _act(action: str, limit: int) -> None:
    from unionhub.mall import sales_summary

    if action == "rebuild-sales-summary":
        unions, regions = await sales_summary.rebuild()
        print(f"sales summary rebuilt: {unions} union rows, {regions} region rows "
              "(days and months)")
        return
    found = await sales_summary.check(limit)
    if found.ok:
        print("sales summary matches the orders")
        return
    print(f"sales summary DIFFERS from the orders ({len(found.mismatches)}"
          f"{' or more' if found.more else ''} rows); run `unionhub mall "
          "rebuild-sales-summary`:")
    for m in found.mismatches:
        print(f"  {m.table} {m.key}: summary {m.summary}, orders {m.orders}")
    raise SystemExit(1)
