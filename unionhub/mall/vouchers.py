"""What a voucher's status is when it is read.

The stored status moves at events (claim, lock, use, the order's cancel) and by the
10-minute `expire_vouchers` job. Between those, an AVAILABLE voucher may have expired or been
withdrawn (its holder has left the issuing union's scope: a transfer, or leaving the union),
so every read decides it again: past its validity it reads EXPIRED, outside the campaign's
scope VOID. It is never shown AVAILABLE when it could not be used.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from unionhub.clock import utcnow
from unionhub.fastpath import keyset_rows
from unionhub.fastpath.attached_rows import Attach
from unionhub.mall.models import Voucher, VoucherStatus

SHOWN_AT_MOST = 200


def shown_status(voucher: Voucher, *, now: datetime | None = None,
                 holder_union_path: str | None = None,
                 campaign_org_path: str | None = None) -> VoucherStatus:
    """The status to show. The scope is checked when both paths are given (a holder with no
    union has an empty path: nothing is in its scope)."""
    if voucher.status != VoucherStatus.AVAILABLE:
        return voucher.status
    if voucher.valid_until <= (now or utcnow()):
        return VoucherStatus.EXPIRED
    if campaign_org_path is not None and holder_union_path is not None \
            and not holder_union_path.startswith(campaign_org_path):
        return VoucherStatus.VOID
    return VoucherStatus.AVAILABLE


def path_prefixes(path: str) -> list[str]:
    """Every org path at or above `path` ("/1/5/" -> "/1/", "/1/5/")."""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def shown_as(member_id: int, status: VoucherStatus | None, holder_union_path: str,
             now: datetime | None = None) -> QuerySet[Voucher]:
    """The member's vouchers whose shown status (`shown_status`) is `status`, decided in SQL
    so that a page holds exactly its rows (paged newest first by id). In the holder's scope
    means the campaign's org path is one of the holder path's prefixes."""
    now = now or utcnow()
    qs = Voucher.filter(member_id=member_id)
    in_scope = Q(campaign__org_path__in=path_prefixes(holder_union_path) or [""])
    live = Q(status=VoucherStatus.AVAILABLE, valid_until__gt=now)
    if status == VoucherStatus.AVAILABLE:
        return qs.filter(live & in_scope)
    if status == VoucherStatus.VOID:
        return qs.filter(Q(status=VoucherStatus.VOID) | (live & ~in_scope))
    if status == VoucherStatus.EXPIRED:
        return qs.filter(Q(status=VoucherStatus.EXPIRED)
                         | Q(status=VoucherStatus.AVAILABLE, valid_until__lte=now))
    return qs.filter(status=status) if status is not None else qs


def stored_candidates(member_id: int, status: VoucherStatus | None,
                      now: datetime | None = None) -> QuerySet[Voucher]:
    """The member's vouchers whose shown status may be `status` (newest first); the caller
    keeps those whose `shown_status` is."""
    now = now or utcnow()
    qs = Voucher.filter(member_id=member_id)
    if status == VoucherStatus.AVAILABLE:
        qs = qs.filter(status=VoucherStatus.AVAILABLE, valid_until__gt=now)
    elif status == VoucherStatus.EXPIRED:
        qs = qs.filter(Q(status=VoucherStatus.EXPIRED)
                       | Q(status=VoucherStatus.AVAILABLE, valid_until__lte=now))
    elif status == VoucherStatus.VOID:
        qs = qs.filter(Q(status=VoucherStatus.VOID)
                       | Q(status=VoucherStatus.AVAILABLE, valid_until__gt=now))
    elif status is not None:
        qs = qs.filter(status=status)
    return qs.order_by("-id").limit(SHOWN_AT_MOST)


async def stored_candidate_rows(member_id: int, status: VoucherStatus | None,
                                attach: Attach | None = None) -> list[Voucher]:
    """`stored_candidates`' rows; with no status (the home screen's list) by a statement
    built once (fastpath/keyset_rows.py) instead of through pypika, with `attach` (their
    campaigns) read by the same statement."""
    if status is None:  # the same filter, order and limit as stored_candidates'
        rows = await keyset_rows.first_rows_where(Voucher, {"member_id": member_id}, ("-id",),
                                                  SHOWN_AT_MOST, attach)
        if rows is not None:
            return rows
    return await keyset_rows.first_rows(stored_candidates(member_id, status), attach)
