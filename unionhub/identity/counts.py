"""Member counts per union, for other domains' rates (participation, coverage)."""

from __future__ import annotations

from tortoise.functions import Count

from unionhub.identity.models import Member


async def member_counts(union_ids: list[int]) -> dict[int, int]:
    """Members who have joined each union (holding-pool applicants not yet joined excluded);
    unions with none are absent. One grouped query."""
    if not union_ids:
        return {}
    rows = await (
        Member.filter(union_id__in=list(union_ids), joined_at__isnull=False)
        .annotate(n=Count("id")).group_by("union_id").values("union_id", "n")
    )
    return {row["union_id"]: row["n"] for row in rows}
