"""PgBouncer in transaction mode (UNIONHUB_DB_PGBOUNCER=1): no named prepared statements and no
connection held between statements. `.ci/pgbouncer` runs these and a slice of the suite
through a real pgbouncer; on a direct connection the last test is skipped."""

from __future__ import annotations

import pytest

from tests.factories import Factory
from unionhub import db
from unionhub.identity import audit
from unionhub.identity.models import AuditLog, Member
from unionhub.settings import Settings, get_settings

PG_URL = "postgres://postgres@127.0.0.1:6432/unionhub"


def test_the_setting_turns_the_statement_cache_off():
    def credentials(**extra: object) -> dict:
        settings = Settings(database_url=PG_URL, **extra)
        return db.tortoise_config(settings)["connections"]["default"]["credentials"]

    assert credentials(db_pgbouncer=True)["statement_cache_size"] == 0
    assert "statement_cache_size" not in credentials(db_pgbouncer=False)


async def test_behind_pgbouncer_nothing_is_prepared_by_name_or_held(factory: Factory):
    if not (db.is_postgres() and get_settings().db_pgbouncer):
        pytest.skip("runs through PgBouncer (.ci/pgbouncer)")
    await factory.tree()
    for _ in range(3):  # the same statements again: a statement cache would name them
        await Member.filter(id=1).first()
        await audit.record_reads("member.id_number.read", actor_id=1, subject_type="member",
                                 subject_ids=[1, 2])
        assert audit._group().held.connection is None
    assert await AuditLog.filter(action="member.id_number.read").count() == 6
    # Whichever server connection PgBouncer gives this statement: none holds a named one of ours.
    for _ in range(5):
        named = await db.conn().execute_query_dict(
            "SELECT name FROM pg_prepared_statements WHERE name LIKE '__asyncpg_stmt_%'")
        assert named == []
