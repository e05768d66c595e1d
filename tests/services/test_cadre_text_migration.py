"""Services migration 0006 (the cadres' resolutions and reasons sealed at rest) on a database
holding them in plain text, up and back down, in a subprocess on a database of its own: SQLite
always, and a scratch PostgreSQL database beside the test one when DATABASE_URL is PostgreSQL.
Up: no plaintext left in the requests or their steps, each value opens under its own request
only. Down: the plain columns and the steps' notes hold what they held before."""

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
from unionhub.services.personal import REJECT_REASON, RESOLUTION, open_text

BEFORE = "services.0005_request_text_encrypted"
# (status, resolution, reject reason)
ROWS = [("COMPLETED", "已协调某公司向王小明补发工资，电话13800001111", None),
        ("REJECTED", None, "王小明家庭收入超过帮扶标准"),
        ("SUBMITTED", None, None)]

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
    for status, resolution, reason in ROWS:
        await client.execute_query(
            "INSERT INTO service_requests (item_id, member_id, member_union_id, "
            "handling_union_id, handling_path, status, resolution, reject_reason, "
            "submitted_at, deadline) VALUES (%s, 7, 1, 1, '/1/', %s, %s, %s, "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)" % tuple(p),
            [item.id, status, resolution, reason])
    ids = [r["id"] for r in await client.execute_query_dict(
        "SELECT id FROM service_requests ORDER BY id")]
    for request_id, action, note in ((ids[0], "SUBMITTED", None), (ids[0], "COMPLETED", ROWS[0][1]),
                                     (ids[1], "REJECTED", ROWS[1][2]),
                                     (ids[2], "ESCALATED", "to union 1")):
        await client.execute_query(
            "INSERT INTO service_request_events (request_id, action, actor_id, at, note) "
            "VALUES (%s, %s, 7, CURRENT_TIMESTAMP, %s)" % tuple(p[:3]), [request_id, action, note])
    notes = "SELECT action, note FROM service_request_events ORDER BY id"
    await Tortoise.close_connections()
    await migrate(config=config, target="services.0006_cadre_text_encrypted")
    await Tortoise.init(config=config)
    client = Tortoise.get_connection("default")
    up = await client.execute_query_dict("SELECT * FROM service_requests ORDER BY id")
    out = {"up_raw": json.dumps([up, await client.execute_query_dict(notes)], default=str,
                                ensure_ascii=False),
           "up_notes": [[r["action"], r["note"]] for r in await client.execute_query_dict(notes)],
           "up_columns": sorted(up[0]),
           "up_open": [[open_text(r["resolution_enc"], r["id"], RESOLUTION),
                        open_text(r["reject_reason_enc"], r["id"], REJECT_REASON)] for r in up]}
    try:  # bound to its request: the first row's resolution under the second's id
        open_text(up[0]["resolution_enc"], up[1]["id"], RESOLUTION)
        out["moved"] = None
    except Exception as exc:
        out["moved"] = type(exc).__name__
    await Tortoise.close_connections()
    await migrate(config=config, target=BEFORE)
    await Tortoise.init(config=config)
    client = Tortoise.get_connection("default")
    down = await client.execute_query_dict("SELECT * FROM service_requests ORDER BY id")
    out["down_columns"] = sorted(down[0])
    out["down"] = [[r["resolution"], r["reject_reason"]] for r in down]
    out["down_notes"] = [[r["action"], r["note"]] for r in await client.execute_query_dict(notes)]
    await Tortoise.close_connections()
    print(json.dumps(out, ensure_ascii=False))

asyncio.run(main())
"""


@pytest.fixture(params=["sqlite", "postgres"])
async def scratch_url(request, tmp_path) -> AsyncIterator[str]:
    async with scratch_database(request.param, tmp_path, "services0006") as url:
        yield url


async def test_0006_seals_resolutions_and_reasons_and_opens_them_back(scratch_url):
    seen, _log = await run_script(_UP_AND_DOWN, scratch_url)
    resolution, reason = "已协调某公司向王小明补发工资，电话13800001111", "王小明家庭收入超过帮扶标准"
    for secret in ("王小明", "13800001111", "帮扶标准"):
        assert secret not in seen["up_raw"]
    assert seen["up_open"] == [[resolution, None], [None, reason], [None, None]]
    assert seen["up_notes"] == [["SUBMITTED", None], ["COMPLETED", None], ["REJECTED", None],
                                ["ESCALATED", "to union 1"]]  # the system's note stays
    assert not {"resolution", "reject_reason"} & set(seen["up_columns"])
    assert {"resolution_enc", "reject_reason_enc"} <= set(seen["up_columns"])
    assert seen["moved"] == "PersonalDataUnreadable"
    assert not {"resolution_enc", "reject_reason_enc"} & set(seen["down_columns"])
    assert seen["down"] == [[resolution, None], [None, reason], [None, None]]
    assert seen["down_notes"] == [["SUBMITTED", None], ["COMPLETED", resolution],
                                  ["REJECTED", reason], ["ESCALATED", "to union 1"]]
