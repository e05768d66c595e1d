"""Identity's paged lists (Relay connections): read arguments, check scope, page the domain's
query. The plain lists they replace stay, deprecated, in resolvers/identity.py."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from unionhub.identity import membership, verification
from unionhub.identity.access import require_authenticated, require_scope
from unionhub.identity.models import ReviewStatus
from unionhub.observability.tracing import slow_operation_recorder
from unionhub.resolvers.identity import _id, _union
from unionhub.resolvers.identity_fields import children_page
from unionhub.schema.identity_types import JoinApplication, Transfer, TransferDirection
from unionhub.schema.operator_types import SlowOperation
from unionhub.schema.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    connection,
    keyset_page,
    list_page,
    row_key,
)

UNION_HELP = "A union in the cadre's scope: its whole subtree is listed."


async def unions_connection(info: strawberry.Info,
                            parent_id: Annotated[strawberry.ID | None, strawberry.argument(
                                description="The parent whose children to list; null for the "
                                            "roots.")] = None,
                            first: First = None, after: After = None, last: Last = None,
                            before: Before = None) -> Connection:
    parent = _id(parent_id, "parentId") if parent_id is not None else None
    return await children_page(info, parent, first, after, last, before)


async def join_applications_connection(
        info: strawberry.Info,
        union_id: Annotated[strawberry.ID, strawberry.argument(description=UNION_HELP)],
        status: Annotated[ReviewStatus | None, strawberry.argument(
            description="Only this status; null for all.")] = ReviewStatus.PENDING,
        overdue: Annotated[bool | None, strawberry.argument(
            description="True: only escalated ones; false: only the others; null: both.")] = None,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
) -> Connection[JoinApplication]:
    union = await _union(info, union_id)
    require_scope(info.context.principal, union.path)
    order = membership.REVIEW_ORDER
    rows, page = await keyset_page(membership.join_applications_of(union, status, overdue),
                                   first, after, last=last, before=before, order=order)
    return connection([JoinApplication.of(a) for a in rows], [row_key(a, order) for a in rows],
                      page)


async def transfers_connection(
        info: strawberry.Info,
        union_id: Annotated[strawberry.ID, strawberry.argument(description=UNION_HELP)],
        status: Annotated[ReviewStatus | None, strawberry.argument(
            description="Only this status; null for all.")] = ReviewStatus.PENDING,
        direction: Annotated[TransferDirection, strawberry.argument(
            description="Into or out of the subtree.")] = TransferDirection.IN,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
) -> Connection[Transfer]:
    union = await _union(info, union_id)
    require_scope(info.context.principal, union.path)
    order = membership.REVIEW_ORDER
    qs = membership.transfers_of(union, status, incoming=direction == TransferDirection.IN)
    rows, page = await keyset_page(qs, first, after, last=last, before=before, order=order)
    return connection([Transfer.of(t) for t in rows], [row_key(t, order) for t in rows], page)


async def my_join_applications_connection(info: strawberry.Info, first: First = None,
                                          after: After = None, last: Last = None,
                                          before: Before = None) -> Connection[JoinApplication]:
    member_id = require_authenticated(info.context.principal)
    order = membership.OWN_ORDER
    rows, page = await keyset_page(membership.own_join_applications(member_id), first, after,
                                   order=order, last=last, before=before)
    return connection([JoinApplication.of(a) for a in rows], [row_key(a, order) for a in rows],
                      page)


async def my_transfers_connection(info: strawberry.Info, first: First = None,
                                  after: After = None, last: Last = None,
                                  before: Before = None) -> Connection[Transfer]:
    member_id = require_authenticated(info.context.principal)
    order = membership.OWN_ORDER
    rows, page = await keyset_page(membership.own_transfers(member_id), first, after,
                                   order=order, last=last, before=before)
    return connection([Transfer.of(t) for t in rows], [row_key(t, order) for t in rows], page)


async def identity_conflicts_connection(info: strawberry.Info,
                                        union_id: Annotated[strawberry.ID, strawberry.argument(
                                            description="A union in the cadre's scope (its "
                                                        "subtree is searched).")],
                                        first: First = None, after: After = None,
                                        last: Last = None, before: Before = None) -> Connection:
    from unionhub.schema.entities import member_entity
    from unionhub.schema.identity_accounts_types import IdentityConflict

    union = await _union(info, union_id)
    require_scope(info.context.principal, union.path)
    rows, page = await keyset_page(verification.conflicts_of(union), first, after,
                                   newest_first=True, last=last, before=before)
    return connection([IdentityConflict(id=strawberry.ID(str(c.id)), at=c.created_at,
                                        member=member_entity(info, c.member_id)) for c in rows],
                      [c.id for c in rows], page)


async def slow_operations_connection(info: strawberry.Info,
                                     since: Annotated[datetime | None, strawberry.argument(
                                         description="Only those that ended at or after this "
                                                     "instant.")] = None,
                                     first: First = None, after: After = None,
                                     last: Last = None,
                                     before: Before = None) -> Connection[SlowOperation]:
    """The kept slowest operations (at most UNIONHUB_SLOW_OPERATIONS_KEPT, in Redis), slowest
    first, paged in memory; the cursor is the operation's trace id."""
    records = await slow_operation_recorder().slowest(
        since=since.timestamp() if since else None, first=None)
    return list_page([SlowOperation.of(r) for r in records], [r.trace_id for r in records],
                     first, after, last=last, before=before)
