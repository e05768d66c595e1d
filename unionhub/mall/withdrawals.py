"""Withdrawing vouchers when the member leaves the scope that granted them (退会, an account
closure): VOID at once, in the caller's transaction, rather than at the next attempt to use one.

A campaign is for an org's subtree (`org_path`); a member keeps the vouchers of campaigns whose
subtree still holds their new union, and loses the rest. Only AVAILABLE vouchers are voided: a
LOCKED one belongs to an order awaiting payment, whose cancellation releases it and whose use
is checked against the member's scope then (`orders._check_voucher`).
"""

from __future__ import annotations

from typing import cast

from unionhub.identity import audit
from unionhub.mall.models import Voucher, VoucherStatus


async def withdraw_vouchers(member_id: int, keep_scope_path: str | None,
                            actor_id: int | None = None) -> list[int]:
    """VOID the member's AVAILABLE vouchers of campaigns whose subtree does not hold
    `keep_scope_path` (None: every campaign's). Returns the ids voided, audited as one row."""
    held = await Voucher.filter(member_id=member_id, status=VoucherStatus.AVAILABLE).values(
        "id", "campaign__org_path")
    doomed = [row["id"] for row in held
              if keep_scope_path is None or not keep_scope_path.startswith(row["campaign__org_path"])]
    if not doomed:
        return []
    # Conditional: a voucher locked by an order meanwhile stays with its order.
    await Voucher.filter(id__in=doomed, status=VoucherStatus.AVAILABLE).update(
        status=VoucherStatus.VOID)
    voided = cast(list[int], await Voucher.filter(id__in=doomed, status=VoucherStatus.VOID)
                  .values_list("id", flat=True))
    await audit.record("mall.voucher.withdraw", actor_id=actor_id, subject_type="member",
                       subject_id=member_id, detail={"voucher_ids": sorted(voided)})
    return sorted(voided)
