"""Escalation: an open request past its deadline goes up to the handling org's parent.

Safe on several workers at once: each request is claimed by one conditional UPDATE
(`WHERE escalated_at IS NULL`), and only the worker whose UPDATE changed the row writes the
ESCALATED event (which the event table's unique key allows once per request anyway).
"""

from __future__ import annotations

import logging
from datetime import datetime

from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.services.deadlines import settle_provisional
from unionhub.services.models import OPEN_STATUSES, RequestAction, ServiceRequest, ServiceRequestEvent
from unionhub.services.orgpath import parent_id

log = logging.getLogger(__name__)
BATCH = 500


async def escalate_overdue(now: datetime | None = None, batch: int = BATCH) -> int:
    """Escalate every overdue, not yet escalated request; returns how many this call did.
    Estimated deadlines the calendar can now settle are settled first (deadlines.py)."""
    now = now or utcnow()
    await settle_provisional()
    done = 0
    after = 0
    while True:
        candidates = await (
            ServiceRequest.filter(status__in=list(OPEN_STATUSES), deadline__lt=now,
                                  escalated_at__isnull=True, id__gt=after)
            .order_by("id").limit(batch).values("id", "handling_path")
        )
        for row in candidates:
            if await _escalate_one(row["id"], parent_id(row["handling_path"]), now):
                done += 1
        if len(candidates) < batch:
            break
        after = candidates[-1]["id"]
    if done:
        log.info("escalated %d overdue service requests", done)
    return done


async def _escalate_one(request_id: int, to_union_id: int | None, now: datetime) -> bool:
    async with in_transaction():
        claimed = await ServiceRequest.filter(
            id=request_id, escalated_at__isnull=True, status__in=list(OPEN_STATUSES),
            deadline__lt=now,
        ).update(escalated_at=now, escalated_to_id=to_union_id)
        if not claimed:
            return False  # another worker got there first, or the request was just handled
        await ServiceRequestEvent.create(
            request_id=request_id, action=RequestAction.ESCALATED, actor_id=None, at=now,
            note=f"to union {to_union_id}" if to_union_id else "no parent org")
    return True
