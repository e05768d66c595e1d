"""Who sees an order's delivery address in clear.

The recipient's name and phone and the street address are personal data (usually the buyer's
own name and phone, and where they live). They follow Member.name / Member.phone's rule, not
the order's visibility: in clear for the buyer and for the cadres whose scope holds the buyer
*now* (`sees_personal_data`), masked with the same functions for everyone else who may see the
order (admins, a cadre of the union the order was placed in after the buyer moved away). Every
clear read but the buyer's own is audited (`ORDER_ADDRESS_READ`, one row a field) and answered
only once its row has committed. The region code (a county) is not masked.

Fulfilment: the mall's operating org's cadres (`mall.access.is_mall_manager`, a top-level org's
scope) hold every buyer under it, so they read the addresses they ship to in clear, audited.
"""

from __future__ import annotations

from enum import Enum

from unionhub.identity import audit
from unionhub.identity.access import Principal, sees_personal_data
from unionhub.identity.masking import mask_address, mask_name, mask_phone

PERSONAL_FIELDS = ("recipient", "phone", "detail")
_MASKS = {"recipient": mask_name, "phone": mask_phone, "detail": mask_address}


class Shown(Enum):
    OWN = "OWN"  # the buyer: in clear, not audited (nobody else's data is disclosed)
    AUDITED = "AUDITED"  # a cadre whose scope holds the buyer now: in clear, audited
    MASKED = "MASKED"  # anyone else who may see the order


def needs_buyer_union(principal: Principal, buyer_id: int) -> bool:
    """Whether the answer depends on the buyer's union now: only for a cadre other than the
    buyer (the buyer sees their own, admins and operators see masked wherever the buyer is)."""
    return principal.is_cadre and principal.member_id != buyer_id


def shown(principal: Principal, buyer_id: int, buyer_union_path: str | None) -> Shown:
    """`buyer_union_path`: the buyer's union now (None: no such member any more)."""
    if principal.member_id is not None and principal.member_id == buyer_id:
        return Shown.OWN
    if buyer_union_path is not None and sees_personal_data(principal, buyer_id, buyer_union_path):
        return Shown.AUDITED
    return Shown.MASKED


def masked(field: str, value: str) -> str:
    """An erased address (closed account) stays empty: there is nothing to mask."""
    return _MASKS[field](value) if value else value


async def record_read(principal: Principal, *, order_id: int, buyer_id: int,
                      buyer_union_id: int | None, field: str) -> None:
    """The audit row of one field read in clear; await it before answering (group-committed
    with other reads: `audit.record_reads`)."""
    await audit.record_reads(audit.ORDER_ADDRESS_READ, actor_id=principal.member_id,
                             subject_type="member", subject_ids=[buyer_id],
                             union_id=buyer_union_id,
                             detail={"order_id": order_id, "field": field})
