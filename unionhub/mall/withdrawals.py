"""Withdrawing vouchers when the member leaves the scope that granted them (退会, an account
closure): VOID at once, in the caller's transaction, rather than at the next attempt to use one.

A campaign is for an org's subtree (`org_path`); a member keeps the vouchers of campaigns whose
subtree still holds their new union, and loses the rest. Only AVAILABLE vouchers are voided: a
LOCKED one belongs to an order awaiting payment; when that order is cancelled the voucher
comes back only if its holder is still in the campaign's scope, and is voided otherwise
(`holder_keeps`), as it would have been had it not been locked; paying it re-checks the same
(`orders.check_voucher_kept`: the order is cancelled and the voucher voided, unless a trade by
the method asked was started before the leave).
"""

from __future__ import annotations

from typing import cast

from unionhub.db import is_postgres
from unionhub.identity import audit
from unionhub.mall import sql
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
    await audit.record(audit.VOUCHER_WITHDRAW, actor_id=actor_id, subject_type="member",
                       subject_id=member_id, detail={"voucher_ids": sorted(voided)})
    return sorted(voided)


async def holder_keeps(voucher_id: int, member_id: int) -> bool:
    """Whether the holder (an open account) is still in the voucher's campaign's scope. Call
    in the transaction that releases the voucher: on PostgreSQL the member's row is held FOR
    SHARE until it commits, so a leaveUnion or closeAccount (which lock it FOR UPDATE and
    withdraw AVAILABLE vouchers) either committed first and is seen here, or waits and then
    finds this voucher AVAILABLE and withdraws it."""
    if is_postgres():  # the lock first; the path read after it sees what a leave committed
        await sql.rows("SELECT id FROM members WHERE id = ? FOR SHARE", [member_id])
    found = await sql.one(
        "SELECT u.path, c.org_path FROM members m JOIN unions u ON u.id = m.union_id,"
        " mall_vouchers v JOIN mall_voucher_campaigns c ON c.id = v.campaign_id"
        " WHERE m.id = ? AND m.closed_at IS NULL AND v.id = ?", [member_id, voucher_id])
    return found is not None and str(found["path"]).startswith(str(found["org_path"]))
