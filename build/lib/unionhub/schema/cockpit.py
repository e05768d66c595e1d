"""The cockpit's root field (issue 20). It lives in the services subgraph, which already reads
other domains' figures for its scorecards through their stats functions."""

from __future__ import annotations

import strawberry

from unionhub.identity.access import Tier
from unionhub.resolvers import cockpit as r
from unionhub.schema.cockpit_types import Cockpit
from unionhub.schema.permissions import gql_field


@strawberry.type
class CockpitQuery:
    cockpit: Cockpit = gql_field(
        tier=Tier.CADRE, resolver=r.cockpit, metadata={"cost": 10},
        description="A union's data cockpit for a period: `period` is a month (2026-11) or a "
                    "range of whole months (2026-01..2026-06, at most 12), Shanghai time. "
                    "Cadres whose scope holds the union; any other union (or an unknown one) "
                    "is FORBIDDEN.")
