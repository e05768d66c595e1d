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
