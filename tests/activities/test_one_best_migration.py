"""Activities migration 0004 (one best quiz attempt per member) on a database whose rows break
the rule, up and back down, in a subprocess on a database of its own: SQLite always, and a
scratch PostgreSQL database beside the test one when DATABASE_URL is PostgreSQL. The extra
flags are cleared by the rule (higher score, then less time, then the earlier submission),
the count is logged, and afterwards the database refuses a second best."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.migration_runs import run_script, scratch_database

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
    async with scratch_database(request.param, tmp_path, "quiz0004") as url:
        yield url


async def test_0004_clears_extra_best_flags_by_the_rule_then_refuses_them(scratch_url):
    seen, log = await run_script(_UP_AND_DOWN, scratch_url)
    ids = seen["ids"]
    assert seen["before"] == sorted(ids[n] for n in ("weak", "slow", "fast", "alone",
                                                      "tie_first", "tie_later"))
    # Each member's best by the rule: the faster 100, the only one, the earlier of a tie.
    assert seen["up"] == sorted([ids["fast"], ids["alone"], ids["tie_first"]])
    assert "3 extra best flag(s) cleared" in log
    assert seen["up_second_best"] == "IntegrityError"
    assert seen["down_second_best"] is None  # undone: the index is gone
