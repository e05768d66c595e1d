"""Audit rows are linked into the hash chain after their transaction commits
(identity/audit_linker.py), no longer under the chain head's lock inside it: a caller's
transaction inserts its rows with seq and hash NULL (both columns nullable since 0009).

- A partial index on the unlinked rows, so the linker and the sweep find them without
  reading the table (there are only ever a few).
- PostgreSQL's append-only trigger lets an unlinked row be linked once: seq and hash set
  from NULL, nothing else changed. Any other change or removal is refused as before, so a
  linked row cannot be linked again nor an unlinked one edited before it is linked."""

from tortoise import migrations
from tortoise.migrations import operations as ops

_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_rows_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_log'
     AND current_setting('unionhub.audit_archiving', true) = 'on' THEN
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'audit_log'
     AND OLD.seq IS NULL AND OLD.hash IS NULL AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
     AND (NEW.id, NEW.at, NEW.actor_id, NEW.action, NEW.subject_type, NEW.subject_id,
          NEW.trace_id, NEW.detail, NEW.union_id)
         IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.actor_id, OLD.action, OLD.subject_type,
                               OLD.subject_id, OLD.trace_id, OLD.detail, OLD.union_id) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;
"""

# 0009's function, for going back.
_APPEND_ONLY_0009 = """
CREATE OR REPLACE FUNCTION audit_rows_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_log'
     AND current_setting('unionhub.audit_archiving', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;
"""


async def _forwards(apps, schema_editor) -> None:
    client = schema_editor.client
    await client.execute_script(
        "CREATE INDEX IF NOT EXISTS audit_log_unlinked ON audit_log (id) WHERE seq IS NULL")
    if client.capabilities.dialect == "postgres":
        await client.execute_script(_APPEND_ONLY)


async def _backwards(apps, schema_editor) -> None:
    client = schema_editor.client
    await client.execute_script("DROP INDEX IF EXISTS audit_log_unlinked")
    if client.capabilities.dialect == "postgres":
        await client.execute_script(_APPEND_ONLY_0009)


class Migration(migrations.Migration):
    dependencies = [("identity", "0013_display_name_trigram_index")]

    operations = [ops.RunPython(_forwards, _backwards)]
