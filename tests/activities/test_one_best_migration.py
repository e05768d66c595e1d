"""Activities migration 0004 (one best quiz attempt per member) on a database whose rows break
the rule, up and back down, in a subprocess on a database of its own: SQLite always, and a
scratch PostgreSQL database beside the test one when DATABASE_URL is PostgreSQL. The extra
flags are cleared by the rule (higher score, then less time, then the earlier submission),
the count is logged, and afterwards the database refuses a second best."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from tests.processes import ROOT

_UP_AND_DOWN = """
import asyncio, json
from datetime import datetime, timedelta, timezone
from tortoise import Tortoise
from tortoise.migrations.api.migrate import migrate
from unionhub.activities.models import Activity, ActivityKind, QuizAttempt
from unionhub.db import tortoise_config

BEFORE = "activities.0003_reading_records"
T0 = datetime(2026, 11, 2, 1, 0, tzinfo=timezone.utc)

async def refused(attempt_id):
    try:
        await QuizAttempt.filter(id=attempt_id).update(best=True)
    except Exception as exc:
        return type(exc).__name__
    await QuizAttempt.filter(id=attempt_id).update(best=False)
    return None

async def bests():
    return sorted(await QuizAttempt.filter(best=True).values_list("id", flat=True))

async def main():
    config = tortoise_config()
    await migrate(config=config, target=BEFORE)
    await migrate(config=config, app_labels=[a for a in config["apps"] if a != "activities"])
    await Tortoise.init(config=config)
    quiz = await Activity.create(name="quiz", kind=ActivityKind.QUIZ, organizer_id=1,
                                 scope_path="/1/", starts_at=T0, ends_at=T0 + timedelta(days=9),
                                 created_by_id=1)
    ids = {}
    rows = [("weak", 1, 70, 5000, True), ("slow", 1, 100, 9000, True),
            ("fast", 1, 100, 4000, True), ("open", 1, None, None, False),
            ("alone", 2, 50, 3000, True), ("tie_first", 3, 80, 3000, True),
            ("tie_later", 3, 80, 3000, True)]
    for n, (name, member, score, used, best) in enumerate(rows):
        row = await QuizAttempt.create(
            activity_id=quiz.id, member_id=member, union_id=1, started_at=T0, max_score=100,
            submitted_at=None if score is None else T0 + timedelta(minutes=n), score=score,
            time_used_ms=used, correct_count=0, day=T0.date(), attempt_no=n + 1, best=best)
        ids[name] = row.id
    out = {"ids": ids, "before": await bests()}
    await Tortoise.close_connections()
    await migrate(config=config)
    await Tortoise.init(config=config)
    out["up"] = await bests()
    out["up_second_best"] = await refused(ids["weak"])
    await Tortoise.close_connections()
    await migrate(config=config, target=BEFORE)
    await Tortoise.init(config=config)
    out["down_second_best"] = await refused(ids["weak"])
    await Tortoise.close_connections()
    print(json.dumps(out))

asyncio.run(main())
"""


@pytest.fixture(params=["sqlite", "postgres"])
async def scratch_url(request, tmp_path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path}/quiz.sqlite3"
        return
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        pytest.skip("PostgreSQL: DATABASE_URL is SQLite")
    parts = urlsplit(url)
    name = f"{parts.path.strip('/')}_quiz0004"
    server = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        await server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await server.execute(f'CREATE DATABASE "{name}"')
        yield urlunsplit(parts._replace(path=f"/{name}"))
        await server.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        await server.close()


async def test_0004_clears_extra_best_flags_by_the_rule_then_refuses_them(scratch_url):
    env = {**os.environ, "DATABASE_URL": scratch_url}
    env.pop("REDIS_URL", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _UP_AND_DOWN, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    async with asyncio.timeout(120):
        out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    seen = json.loads(out.decode().strip().splitlines()[-1])
    ids = seen["ids"]
    assert seen["before"] == sorted(ids[n] for n in ("weak", "slow", "fast", "alone",
                                                      "tie_first", "tie_later"))
    # Each member's best by the rule: the faster 100, the only one, the earlier of a tie.
    assert seen["up"] == sorted([ids["fast"], ids["alone"], ids["tie_first"]])
    assert "3 extra best flag(s) cleared" in err.decode()
    assert seen["up_second_best"] == "IntegrityError"
    assert seen["down_second_best"] is None  # undone: the index is gone
