"""The content domain's part of a member's data (`unionhub.memberdata`): the member's article
reads (which article, which Shanghai day). They hold nothing beyond the member id (the
pseudonym after a closure), so a closure keeps them, as activities keeps step records: the
read counts they add up to stay exact."""

from __future__ import annotations

from typing import Any

from unionhub.content.models import ArticleRead
from unionhub.memberdata import MemberDataPart, rows


async def export(member_id: int) -> dict[str, Any]:
    return {"article_reads": rows(await ArticleRead.filter(member_id=member_id).order_by(
        "id").values("article_id", "day"))}


PART = MemberDataPart("content", export)
