"""Join deadlines: a pending application past its `due_at` (15 working days) is flagged and
escalated to the parent union, and a cadre may switch a grassroots union's auto-approval.

The escalation is a periodic job, safe on several workers at once: each application is claimed
by one conditional UPDATE (`WHERE escalated_at IS NULL AND status = PENDING`), and only the
worker whose UPDATE changed the row writes the audit row, so a second run or a second worker
escalates nothing twice. An application reviewed meanwhile is left alone.
"""

from __future__ import annotations

import logging
from datetime import datetime

from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.errors import ValidationFailed
from unionhub.identity import audit
from unionhub.identity.access import Principal, require_scope
from unionhub.identity.models import JoinApplication, ReviewStatus, Union, UnionLevel
from unionhub.identity.orgs import forget_cached_union, get_union

log = logging.getLogger(__name__)
BATCH = 500
ESCALATE_EVERY_SECONDS = 15 * 60


async def escalate_overdue_applications(now: datetime | None = None, batch: int = BATCH) -> int:
    """Escalate every pending application past its due date not escalated yet; returns how
    many this call escalated."""
    now = now or utcnow()
    done = 0
    after = 0
    while True:
        candidates = await (
            JoinApplication.filter(status=ReviewStatus.PENDING, due_at__lt=now,
                                   escalated_at__isnull=True, id__gt=after)
            .order_by("id").limit(batch).values("id", "union_id", "union__parent_id")
        )
        for row in candidates:
            if await _escalate_one(row["id"], row["union_id"], row["union__parent_id"], now):
                done += 1
        if len(candidates) < batch:
            break
        after = candidates[-1]["id"]
    if done:
        log.info("escalated %d overdue join applications", done)
    return done


async def _escalate_one(application_id: int, union_id: int, parent_id: int | None,
                        now: datetime) -> bool:
    async with in_transaction():
        claimed = await JoinApplication.filter(
            id=application_id, status=ReviewStatus.PENDING, escalated_at__isnull=True,
            due_at__lt=now,
        ).update(escalated_at=now, escalated_to_id=parent_id)
        if not claimed:
            return False  # another worker got there first, or a cadre just reviewed it
        await audit.record(audit.JOIN_ESCALATE, actor_id=None,
                           subject_type="join_application", subject_id=application_id,
                           union_id=union_id, detail={"escalated_to": parent_id})
    return True


async def set_union_auto_approve(principal: Principal, union_id: int, enabled: bool) -> Union:
    """Switch whether a grassroots union approves join applications at once. Audited when it
    changes anything; asking for the current setting changes nothing and writes nothing."""
    union = await get_union(union_id)
    require_scope(principal, union.path)
    if union.level != UnionLevel.GRASSROOTS or union.is_holding_pool:
        raise ValidationFailed("only a grassroots union takes join applications",
                               field="unionId", code="NOT_GRASSROOTS")
    async with in_transaction():
        changed = await Union.filter(id=union.id, auto_approve=not enabled).update(
            auto_approve=enabled)
        if changed:
            await audit.record(audit.UNION_AUTO_APPROVE, actor_id=principal.member_id,
                               subject_type="union", subject_id=union.id, union_id=union.id,
                               detail={"enabled": enabled})
    forget_cached_union(union.id)
    union.auto_approve = enabled
    return union
