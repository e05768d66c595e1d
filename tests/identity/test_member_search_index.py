"""The cadres' search by part of a display name can use the trigram index (identity migration
0013) on PostgreSQL: the index is on the expression the search's SQL compares, so a change in
how the ORM writes `icontains` (or in the index) would show here, not as a slow screen."""

from __future__ import annotations

import pytest
from tortoise.transactions import in_transaction

from unionhub import db
from unionhub.identity.member_search import members_in


async def test_a_name_search_can_use_the_trigram_index(factory):
    if not db.is_postgres():
        pytest.skip("the trigram index is PostgreSQL's (SQLite scans)")
    tree = await factory.tree()
    qs = await members_in(tree.province, "会员AB2", actor_id=None)
    sql = qs.only("id").order_by("id").limit(21).sql(params_inline=True)
    async with in_transaction() as tx:
        # A test database is tiny: forbid the scans the planner would rightly prefer there.
        await tx.execute_script("SET LOCAL enable_seqscan = off; "
                                "SET LOCAL enable_indexscan = off; SET LOCAL enable_nestloop = off")
        plan = "\n".join(r["QUERY PLAN"] for r in await tx.execute_query_dict(f"EXPLAIN {sql}"))
    assert "members_display_name_trgm" in plan, plan
