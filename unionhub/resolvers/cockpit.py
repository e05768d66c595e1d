"""Root resolver of the cadres' cockpit: read the arguments, open the cockpit (scope, period)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from unionhub.cockpit.cockpit import open_cockpit
from unionhub.schema.cockpit_types import Cockpit


def _key(value: str) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None  # refused as an unknown union is: as one outside the scope


async def cockpit(
    info: strawberry.Info,
    union_id: Annotated[strawberry.ID, strawberry.argument(description=(
        "The union: the cadre's own or one in its subtree (an admin: any). Any other id, "
        "known or not, is FORBIDDEN alike."))],
    period: Annotated[str, strawberry.argument(description=(
        "A month YYYY-MM, or a range of whole months YYYY-MM..YYYY-MM, both included, 1 to "
        "12 months, Asia/Shanghai calendar (BAD_PERIOD otherwise)."))],
) -> Cockpit:
    union, span = await open_cockpit(info.context.principal, _key(union_id), period)
    return Cockpit.of(union, span)
