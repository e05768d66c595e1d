"""Content's paged lists (Relay connections) that replace plain lists: the most read
articles. A union's own articles and a member's read history are fields of content's types,
paged in schema/content_types.py (no import of resolvers from the types: no cycle)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from unionhub.content import feed as feed_domain
from unionhub.resolvers.content import _reader_path, _target_union
from unionhub.schema.content_types import Article
from unionhub.schema.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    connection,
    keyset_page,
    row_key,
)


async def top_articles_connection(info: strawberry.Info,
                                  union_id: Annotated[strawberry.ID | None, strawberry.argument(
                                      description="The union whose chain to rank; null: the "
                                                  "caller's union.")] = None,
                                  first: First = None, after: After = None, last: Last = None,
                                  before: Before = None) -> Connection[Article]:
    union = await _target_union(info, union_id)
    qs = feed_domain.chain_articles(info.context.principal, await _reader_path(info), union)
    order = feed_domain.TOP_ORDER
    rows, page = await keyset_page(qs, first, after, order=order, last=last, before=before)
    return connection([Article.of(r) for r in rows], [row_key(r, order) for r in rows], page)

