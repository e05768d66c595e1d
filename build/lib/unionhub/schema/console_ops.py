"""The operators' console queries (issue 20), in the identity subgraph beside slowOperations."""

from __future__ import annotations

import strawberry

from unionhub.identity.access import Tier
from unionhub.resolvers import console_ops as r
from unionhub.schema.console_ops_types import OperationMetrics, Readiness, Trace
from unionhub.schema.permissions import gql_field


@strawberry.type
class ConsoleOpsQuery:
    operation_metrics: OperationMetrics = gql_field(
        tier=Tier.OPERATOR, resolver=r.operation_metrics,
        description="RED figures (rate, errors, duration percentiles) per GraphQL operation of "
                    "the process that answers, over the last windowSeconds (1 to 900): poll it.")
    trace: Trace | None = gql_field(
        tier=Tier.OPERATOR, resolver=r.trace,
        description="A kept trace's spans by its 32-hex-digit id (a slow operation's, as "
                    "slowOperations lists them); null when it was not kept.")
    readiness: Readiness = gql_field(
        tier=Tier.OPERATOR, resolver=r.readiness,
        description="The database's and Redis's readiness, as GET /ready reports it.")
