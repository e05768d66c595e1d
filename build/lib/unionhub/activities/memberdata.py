"""The activities domain's part of a member's data (`unionhub.memberdata`): enrolments, step
records and quiz attempts. They hold no personal data beyond the member id (the pseudonym
after a closure), so a closure keeps them: leaderboards and draws stay verifiable."""

from __future__ import annotations

from typing import Any

from unionhub.activities.models import Enrollment, QuizAttempt, StepRecord
from unionhub.memberdata import MemberDataPart, rows


async def export(member_id: int) -> dict[str, Any]:
    return {
        "enrollments": rows(await Enrollment.filter(member_id=member_id).order_by("id").values(
            "activity_id", "activity__name", "union_id", "status", "enrolled_at", "won_at",
            "total_counted", "step_days")),
        "step_records": rows(await StepRecord.filter(member_id=member_id).order_by("id").values(
            "activity_id", "day", "steps", "counted", "submitted_at")),
        "quiz_attempts": rows(await QuizAttempt.filter(member_id=member_id).order_by("id").values(
            "activity_id", "started_at", "submitted_at", "answers", "score", "max_score",
            "correct_count", "time_used_ms")),
    }


PART = MemberDataPart("activities", export)
