"""The activities domain's part of a member's data (`unionhub.memberdata`): enrolments, step
and reading records and quiz attempts. They hold nothing beyond the member id (the pseudonym
after a closure) but the titles a member typed for their reading (what someone reads can tell
their faith or health): a closure erases the titles and keeps the rest, so leaderboards,
union totals and draws stay verifiable."""

from __future__ import annotations

from typing import Any

from unionhub.activities.models import Enrollment, QuizAttempt, ReadingRecord, StepRecord
from unionhub.memberdata import MemberDataPart, rows


async def export(member_id: int) -> dict[str, Any]:
    return {
        "enrollments": rows(await Enrollment.filter(member_id=member_id).order_by("id").values(
            "activity_id", "activity__name", "union_id", "status", "enrolled_at", "won_at",
            "total_counted", "step_days")),
        "step_records": rows(await StepRecord.filter(member_id=member_id).order_by("id").values(
            "activity_id", "day", "steps", "counted", "submitted_at")),
        "reading_records": rows(await ReadingRecord.filter(member_id=member_id).order_by(
            "id").values("activity_id", "day", "minutes", "title", "submitted_at")),
        "quiz_attempts": rows(await QuizAttempt.filter(member_id=member_id).order_by("id").values(
            "activity_id", "started_at", "submitted_at", "answers", "score", "max_score",
            "correct_count", "time_used_ms")),
    }


async def close(member_id: int) -> None:
    await ReadingRecord.filter(member_id=member_id).update(title="")


PART = MemberDataPart("activities", export, close=close)
