"""Root resolver of the cadres' cockpit: read the arguments, open the cockpit (scope, period)."""

from __future__ import annotations

import strawberry

from unionhub.cockpit.cockpit import open_cockpit
from unionhub.schema.cockpit_types import Cockpit


def _key(value: str) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None  # refused as an unknown union is: as one outside the scope


async def cockpit(info: strawberry.Info, union_id: strawberry.ID, period: str) -> Cockpit:
    union, span = await open_cockpit(info.context.principal, _key(union_id), period)
    return Cockpit.of(union, span)
