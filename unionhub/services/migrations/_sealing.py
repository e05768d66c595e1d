"""What services' sealing migrations (0005, 0006) share: each moves plain text columns of
`service_requests` to sealed ones (services.personal) in place, in raw SQL, in id order a
thousand rows a statement. Not a migration itself (the loader skips names starting with "_").

In raw SQL: Tortoise's field removal rebuilds SQLite tables and loses their unique key and
indexes, so the columns change in place (DROP COLUMN, SQLite 3.35+) and the migration state is
recorded without SQL (`unionhub.migration_ops.StateOnly`). Each runs in one transaction with the table locked: on
PostgreSQL a `lock_timeout` of 5 s makes it give up (rerun later) rather than queue behind a
long reader."""

TABLE, EVENTS = "service_requests", "service_request_events"
BATCH = 1000


def params(postgres: bool, n: int) -> list[str]:
    return [f"${i}" for i in range(1, n + 1)] if postgres else ["?"] * n


async def _rows(client, columns: str, after: int, postgres: bool) -> list[dict]:
    (p,) = params(postgres, 1)
    return await client.execute_query_dict(
        f"SELECT id, {columns} FROM {TABLE} WHERE id > {p} ORDER BY id LIMIT {BATCH}",  # noqa: S608
        [after])


async def each_batch(client, columns: str, postgres: bool, change) -> None:
    after = 0
    while rows := await _rows(client, columns, after, postgres):
        await change(rows)
        after = rows[-1]["id"]


async def prepare(client, script: list[str], schema_editor) -> bool:
    """False when only printing (`sqlmigrate`)."""
    if schema_editor.collect_sql:
        schema_editor.collected_sql.extend(script)
        return False
    if client.capabilities.dialect == "postgres":
        await client.execute_script("SET LOCAL lock_timeout = '5s'")
    return True
