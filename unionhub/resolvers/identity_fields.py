"""Fields of identity's types that page the domain: what schema/identity_types.py calls. This
module imports no type of identity_types, so the types import it directly (no import cycle
between schema and resolvers, as resolvers/activities_fields.py)."""

from __future__ import annotations

import strawberry

from unionhub.identity import orgs
from unionhub.schema.entities import union_entity
from unionhub.schema.relay import Connection, connection, keyset_page


async def children_page(info: strawberry.Info, parent_id: int | None, first: int | None,
                        after: str | None, last: int | None = None,
                        before: str | None = None) -> Connection:
    rows, page = await keyset_page(orgs.children_of(parent_id), first, after, last=last,
                                   before=before)
    info.context.unions.prime_many({r.id: r for r in rows})
    return connection([union_entity(info, r.id, r) for r in rows], [r.id for r in rows], page)
