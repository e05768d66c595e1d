"""Services' paged lists (Relay connections) added for issue 24, point 4. The plain list they
replace stays, deprecated, in resolvers/services.py."""

from __future__ import annotations

from typing import Annotated

import strawberry

from unionhub.resolvers.services import _id
from unionhub.schema.relay import (
    After,
    Before,
    Connection,
    Edge,
    First,
    Last,
    page_direction,
    ranked_page,
)
from unionhub.schema.services_types import Scorecard
from unionhub.services import scorecards


async def union_ranking_connection(
        info: strawberry.Info,
        parent_id: Annotated[strawberry.ID, strawberry.argument(description=(
            "A union in the cadre's scope: its children are ranked."))],
        period: Annotated[str, strawberry.argument(description=(
            "A month, YYYY-MM (BAD_PERIOD)."))],
        first: First = None, after: After = None, last: Last = None, before: Before = None,
) -> Connection[Scorecard]:
    # The ranking is computed whole (a rate over the children's figures ranks only against
    # all of them); the page is cut from it by each row's sort values. A bad page size is
    # refused before that work.
    page_direction(first, last)
    cards = await scorecards.union_ranking(info.context.principal, _id(parent_id, "parentId"),
                                           period)
    page = ranked_page(cards, [scorecards.ranking_key(c) for c in cards], first, after,
                       last=last, before=before)
    return Connection(edges=[Edge(node=Scorecard.of(e.node), cursor=e.cursor)
                             for e in page.edges],
                      page_info=page.page_info, counter=page.counter)
