"""Services migration 0005 (a request's details and form values sealed at rest) on a database
holding requests written in plain text, up and back down, in a subprocess on a database of its
own: SQLite always, and a scratch PostgreSQL database beside the test one when DATABASE_URL is
PostgreSQL. Up: no plaintext left, each value opens under its own request only. Down: the
plain columns hold what they held before; an erased request stays empty both ways."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.migration_runs import run_script, scratch_database

_UP_AND_DOWN = """
import asyncio, json
from tortoise import Tortoise
from tortoise.migrations.api.migrate import migrate
from unionhub.db import tortoise_config
from unionhub.services.models import ServiceItem
from unionhub.services.personal import open_comment, open_details, open_field_values

BEFORE = "services.0004_submission_idempotency"
ROWS = [("拖欠工资三个月，我叫王小明，电话13800001111", {"policy": "BX-778899", "employer": "某公司"},
         "谢谢李律师，我的电话13700003333"),
        ("", {}, None),  # a closed account's request: erased
        ("家里三口人，妻子重病", {}, None)]

async def main():
    config = tortoise_config()
    await migrate(config=config, target=BEFORE)
    await migrate(config=config, app_labels=[a for a in config["apps"] if a != "services"])
    await Tortoise.init(config=config)
    client = Tortoise.get_connection("default")
    postgres = client.capabilities.dialect == "postgres"
    item = await ServiceItem.create(union_id=1, union_path="/1/", name="法律援助",
                                    category="LEGAL_AID", time_limit=3,
                                    time_limit_unit="WORKING_DAYS")
    p = ["$%d" % i for i in range(1, 5)] if postgres else ["?"] * 4
    fv = "CAST(%s AS JSONB)" % p[2] if postgres else p[2]
    for details, values, comment in ROWS:
        await client.execute_query(
            "INSERT INTO service_requests (item_id, member_id, member_union_id, "
            "handling_union_id, handling_path, status, details, field_values, rating_comment, "
            "submitted_at, deadline) VALUES (%s, 7, 1, 1, '/1/', 'SUBMITTED', %s, %s, %s, "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)" % (p[0], p[1], fv, p[3]),
            [item.id, details, json.dumps(values, ensure_ascii=False), comment])
    ids = [r["id"] for r in await client.execute_query_dict(
        "SELECT id FROM service_requests ORDER BY id")]
    for action, note in (("COMPLETED", "已协调"), ("RATED", ROWS[0][2])):
        await client.execute_query(
            "INSERT INTO service_request_events (request_id, action, actor_id, at, note) "
            "VALUES (%s, %s, 7, CURRENT_TIMESTAMP, %s)" % tuple(p[:3]), [ids[0], action, note])
    notes = "SELECT action, note FROM service_request_events ORDER BY id"
    await Tortoise.close_connections()
    await migrate(config=config, target="services.0005_request_text_encrypted")
    await Tortoise.init(config=config)
    client = Tortoise.get_connection("default")
    up = await client.execute_query_dict("SELECT * FROM service_requests ORDER BY id")
    out = {"up_raw": json.dumps([up, await client.execute_query_dict(notes)], default=str,
                                ensure_ascii=False),
           "up_notes": [[r["action"], r["note"]] for r in await client.execute_query_dict(notes)],
           "up_comments": [open_comment(r["rating_comment_enc"], r["id"]) for r in up],
           "up_columns": sorted(up[0]),
           "up_open": [[open_details(r["details_enc"], r["id"]),
                        open_field_values(r["field_values_enc"], r["id"])] for r in up],
           "up_empty": [[r["details_enc"], r["field_values_enc"]] for r in up]}
    try:  # bound to its request: the first row's details under the third's id
        open_details(up[0]["details_enc"], up[2]["id"])
        out["moved"] = None
    except Exception as exc:
        out["moved"] = type(exc).__name__
    await Tortoise.close_connections()
    await migrate(config=config, target=BEFORE)
    await Tortoise.init(config=config)
    client = Tortoise.get_connection("default")
    down = await client.execute_query_dict(
        "SELECT * FROM service_requests ORDER BY id")
    out["down_columns"] = sorted(down[0])
    out["down"] = [[r["details"], r["field_values"] if isinstance(r["field_values"], dict)
                    else json.loads(r["field_values"]), r["rating_comment"]] for r in down]
    out["down_notes"] = [[r["action"], r["note"]] for r in await client.execute_query_dict(notes)]
    await Tortoise.close_connections()
    print(json.dumps(out, ensure_ascii=False))

asyncio.run(main())
"""


@pytest.fixture(params=["sqlite", "postgres"])
async def scratch_url(request, tmp_path) -> AsyncIterator[str]:
    async with scratch_database(request.param, tmp_path, "services0005") as url:
        yield url


async def test_0005_seals_existing_requests_and_opens_them_back(scratch_url):
    seen, _log = await run_script(_UP_AND_DOWN, scratch_url)
    comment = "谢谢李律师，我的电话13700003333"
    rows = [["拖欠工资三个月，我叫王小明，电话13800001111", {"policy": "BX-778899", "employer": "某公司"}],
            ["", {}], ["家里三口人，妻子重病", {}]]
    for secret in ("王小明", "13800001111", "BX-778899", "某公司", "妻子重病", comment):
        assert secret not in seen["up_raw"]
    assert seen["up_comments"] == [comment, None, None]
    assert seen["up_notes"] == [["COMPLETED", "已协调"], ["RATED", None]]  # no plain copy
    assert not {"details", "field_values", "rating_comment"} & set(seen["up_columns"])
    assert seen["up_open"] == rows
    assert seen["up_empty"][1] == ["", ""] and seen["up_empty"][2][1] == ""
    assert seen["moved"] == "PersonalDataUnreadable"
    assert "details_enc" not in seen["down_columns"]
    assert seen["down"] == [[*rows[0], comment], [*rows[1], None], [*rows[2], None]]
    assert seen["down_notes"] == [["COMPLETED", "已协调"], ["RATED", comment]]
