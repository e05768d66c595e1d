"""OPERATORS.md's query for the parents that passed on more than they hold this year (union
funds before mall migration 0009 did not come out of the parent's), run as printed there on
PostgreSQL over budgets such as older releases left."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from unionhub import db
from unionhub.mall.models import UnionFundsBudget


def _statement() -> str:
    text = (Path(__file__).parents[2] / "deploy" / "OPERATORS.md").read_text(encoding="utf-8")
    [block] = [b.split("```", 1)[0] for b in text.split("```sql\n")[1:]
               if "mall_union_funds_budgets" in b.split("```", 1)[0]]
    return block.strip().rstrip(";")


async def test_the_runbook_lists_parents_that_passed_on_more_than_they_hold(factory):
    if not db.is_postgres():
        pytest.skip("the runbook's query is PostgreSQL's")
    tree = await factory.tree()
    year = datetime.now(ZoneInfo("Asia/Shanghai")).year
    xian, baoji = tree.cities["xian"], tree.cities["baoji"]
    county_a, county_b, county_c = (tree.counties[k] for k in "ABC")
    rows = [  # (union, year, allocated, spent), as older releases could leave them
        (tree.province, year, 1_000_000, 0),
        (xian, year, 300_000, 50_000),  # holds 300,000: spent 50,000 and passed on 260,000
        (county_a, year, 200_000, 0),
        (county_b, year, 60_000, 0),
        (baoji, year - 1, 500_000, 0),  # last year's: baoji has no budget this year ...
        (county_c, year, 40_000, 0),  # ... and passed 40,000 on all the same
        (tree.grassroots["A"][0], year, 10_000, 0),  # county A holds plenty
    ]
    await UnionFundsBudget.bulk_create([
        UnionFundsBudget(union_id=u.id, year=y, allocated_fen=a, spent_fen=s)
        for u, y, a, s in rows])
    found = await db.conn().execute_query_dict(_statement())
    listed = {int(r["union_id"]): (int(r["allocated_fen"]), int(r["spent_fen"]),
                                   int(r["children"])) for r in found}
    assert listed == {xian.id: (300_000, 50_000, 260_000), baoji.id: (0, 0, 40_000)}
