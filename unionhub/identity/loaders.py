"""Identity's batch loads for request-scoped DataLoaders: one query per batch of keys (members
from the record cache first)."""

from __future__ import annotations

from unionhub.identity.lookup import MemberRecord, get_records
from unionhub.identity.models import Union
from unionhub.identity.orgs import unions_by_ids


async def members(ids: list[int]) -> list[MemberRecord | None]:
    found = await get_records(list(ids))
    return [found.get(i) for i in ids]


async def unions(ids: list[int]) -> list[Union | None]:
    found = await unions_by_ids(list(ids))
    return [found.get(i) for i in ids]


async def union_children(parent_ids: list[int]) -> list[list[Union]]:
    by_parent: dict[int, list[Union]] = {i: [] for i in parent_ids}
    for row in await Union.filter(parent_id__in=list(set(parent_ids))).order_by("id"):
        if row.parent_id is not None:  # (always: the filter asks for children)
            by_parent[row.parent_id].append(row)
    return [by_parent[i] for i in parent_ids]
