"""The append-only audit log: who read or changed what, when, under which trace.

Rows hold ids and codes only, never the personal data itself."""

from __future__ import annotations

from typing import Any

from unionhub.identity.models import AuditLog
from unionhub.observability.context import current_trace_id


async def record(action: str, *, actor_id: int | None, subject_type: str, subject_id: str | int,
                 detail: dict[str, Any] | None = None) -> None:
    await AuditLog.create(
        action=action, actor_id=actor_id, subject_type=subject_type, subject_id=str(subject_id),
        trace_id=current_trace_id(), detail=detail or {},
    )


async def entries(*, action: str | None = None, subject_id: str | None = None,
                  limit: int = 100) -> list[AuditLog]:
    qs = AuditLog.all()
    if action:
        qs = qs.filter(action=action)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    return await qs.order_by("-id").limit(limit)


async def record_many(action: str, *, actor_id: int | None, subject_type: str,
                      subject_ids: list[str | int], trace_id: str | None = None) -> None:
    """One action by one actor on many subjects, in one INSERT (e.g. a page of members whose
    ID numbers a cadre read in one request). One row per subject id, repeats included."""
    if not subject_ids:
        return
    trace_id = trace_id or current_trace_id()
    if len(subject_ids) == 1:  # one INSERT, no transaction around it: the hot lookup's case
        await AuditLog.create(action=action, actor_id=actor_id, subject_type=subject_type,
                              subject_id=str(subject_ids[0]), trace_id=trace_id, detail={})
        return
    await AuditLog.bulk_create([
        AuditLog(action=action, actor_id=actor_id, subject_type=subject_type,
                 subject_id=str(subject_id), trace_id=trace_id, detail={})
        for subject_id in subject_ids
    ])
