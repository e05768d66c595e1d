"""Mall migration 0009 (union funds come from the parent) on a database that has budgets, up
and back down, on SQLite in a subprocess of its own: rows kept, the new rule enforced, and
the table's unique key (union, year) kept both ways (review: undoing the columns through
Tortoise rebuilt the SQLite tables without it, and first allocations rely on it), and
`sqlmigrate --backward` only printing the undo (review: it dropped the columns)."""

from __future__ import annotations

from tests.migration_runs import run_script

_UP_AND_DOWN = """
import asyncio, json
from tortoise import Tortoise, connections
from tortoise.migrations.api.migrate import migrate
from tortoise.migrations.api.sqlmigrate import sqlmigrate
from unionhub.db import tortoise_config

BEFORE = "mall.0008_union_funds_approved_above"

async def q(sql):
    return [dict(r) for r in (await connections.get("default").execute_query(sql))[1]]

async def refused(sql):
    try:
        await q(sql)
    except Exception as exc:
        return type(exc).__name__
    return None

async def state():
    return {"unique": [i["name"] for i in await q("PRAGMA index_list('mall_union_funds_budgets')")
                       if i["unique"]],
            "columns": [c["name"] for c in await q("PRAGMA table_info('mall_union_funds_budgets')")],
            "rows": await q("SELECT union_id, allocated_fen, spent_fen FROM mall_union_funds_budgets"
                            " ORDER BY union_id")}

async def main():
    config = tortoise_config()
    await migrate(config=config, target=BEFORE)
    await migrate(config=config, app_labels=[a for a in config["apps"] if a != "mall"])
    await Tortoise.init(config=config)
    await q("INSERT INTO mall_union_funds_budgets (union_id, year, allocated_fen, spent_fen)"
            " VALUES (1, 2026, 100, 100), (2, 2026, 50, 0)")
    out = {"before": await state()}
    await Tortoise.close_connections()
    await migrate(config=config)
    await Tortoise.init(config=config)
    out["up"] = await state()
    out["up_over"] = await refused("UPDATE mall_union_funds_budgets SET to_children_fen = 1"
                                   " WHERE union_id = 1")
    out["up_within"] = await refused("UPDATE mall_union_funds_budgets SET to_children_fen = 50"
                                     " WHERE union_id = 2")
    out["up_twice"] = await refused("INSERT INTO mall_union_funds_budgets (union_id, year,"
                                    " allocated_fen, spent_fen) VALUES (2, 2026, 0, 0)")
    await Tortoise.close_connections()
    await sqlmigrate(config=config, app_label="mall", migration_name="0009", backward=True)
    await Tortoise.init(config=config)
    out["printed_only"] = await state()  # (review: the undo's DROP COLUMN ran)
    await Tortoise.close_connections()
    await migrate(config=config, target=BEFORE)
    await Tortoise.init(config=config)
    out["down"] = await state()
    out["down_over"] = await refused("UPDATE mall_union_funds_budgets SET spent_fen = 101"
                                     " WHERE union_id = 1")
    await Tortoise.close_connections()
    print(json.dumps(out))

asyncio.run(main())
"""


async def test_0009_up_and_down_keeps_rows_rules_and_the_unique_key(tmp_path):
    seen, _log = await run_script(_UP_AND_DOWN, f"sqlite://{tmp_path}/funds.sqlite3")
    rows = [{"union_id": 1, "allocated_fen": 100, "spent_fen": 100},
            {"union_id": 2, "allocated_fen": 50, "spent_fen": 0}]
    before = seen["before"]
    assert before["rows"] == rows and len(before["unique"]) == 1
    assert seen["up"] == {**before, "columns": [*before["columns"], "to_children_fen"]}
    assert seen["up_over"] == "IntegrityError" and seen["up_within"] is None
    assert seen["up_twice"] == "IntegrityError"  # the unique key still holds
    assert seen["printed_only"] == seen["up"]  # printing the undo's SQL undoes nothing
    assert seen["down"] == before
    assert seen["down_over"] == "IntegrityError"  # the old rule is back
