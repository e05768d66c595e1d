"""Issue 17: the audit log's hash chain (seq, hash, its head row, the archive) and its union
column; key rotations; blind indexes that name their key.

Blind indexes written before keys had ids were made with the only key there was, which is
key "v1": they become "v1:" + the first 61 hex digits (identity.crypto's format). Rows already
in the audit log are chained in id order, so `unionhub audit verify` covers them too."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

_LEGACY_KEY = "v1"


async def _forwards(apps, schema_editor) -> None:
    from unionhub.identity.audit_chain import chain_existing_rows

    client = schema_editor.client
    prefix_length = 64 - len(_LEGACY_KEY) - 1
    for column in ("phone_bidx", "id_number_bidx"):
        await client.execute_script(
            f"UPDATE members SET {column} = '{_LEGACY_KEY}:' || substr({column}, 1, "
            f"{prefix_length}) WHERE {column} IS NOT NULL AND {column} NOT LIKE '%:%'")
    # At most one rotation runs (the runner also checks; the database refuses a second row).
    await client.execute_script(
        "CREATE UNIQUE INDEX IF NOT EXISTS key_rotations_one_running "
        "ON key_rotations (status) WHERE status = 'RUNNING'")
    await client.execute_script(
        "INSERT INTO audit_chain_head (id, seq, hash, archived_seq, archived_hash) "
        "VALUES (1, 0, '', 0, '')")
    await chain_existing_rows(client)
    if client.capabilities.dialect == "postgres":
        await client.execute_script(_APPEND_ONLY)


# PostgreSQL refuses to change or remove audit rows, whatever code asks; only archiving may
# delete live rows (after copying them, with the transaction-local setting below). The chain
# still catches what the table's owner does after disabling the trigger.
_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_rows_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_log'
     AND current_setting('unionhub.audit_archiving', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_rows_append_only();
CREATE TRIGGER audit_log_archive_append_only BEFORE UPDATE OR DELETE ON audit_log_archive
  FOR EACH ROW EXECUTE FUNCTION audit_rows_append_only();
"""


async def _backwards(apps, schema_editor) -> None:
    client = schema_editor.client
    await client.execute_script("DROP INDEX IF EXISTS key_rotations_one_running")
    if client.capabilities.dialect == "postgres":
        await client.execute_script(
            "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log; "
            "DROP TRIGGER IF EXISTS audit_log_archive_append_only ON audit_log_archive; "
            "DROP FUNCTION IF EXISTS audit_rows_append_only()")


class Migration(migrations.Migration):
    dependencies = [('identity', '0008_sessions_revocation_and_display_names')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditChainHead',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seq', fields.BigIntField(default=0)),
                ('hash', fields.CharField(default='', max_length=80)),
                ('archived_seq', fields.BigIntField(default=0)),
                ('archived_hash', fields.CharField(default='', max_length=80)),
            ],
            options={'table': 'audit_chain_head', 'app': 'identity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditLogArchive',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('actor_id', fields.BigIntField(null=True)),
                ('action', fields.CharField(max_length=64)),
                ('subject_type', fields.CharField(max_length=32)),
                ('subject_id', fields.CharField(max_length=64)),
                ('trace_id', fields.CharField(null=True, max_length=32)),
                ('detail', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('union_id', fields.BigIntField(null=True)),
                ('seq', fields.BigIntField(unique=True)),
                ('hash', fields.CharField(max_length=80)),
                ('archived_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'audit_log_archive', 'app': 'identity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='KeyRotation',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('target_key_id', fields.CharField(max_length=8)),
                ('status', fields.CharField(default='RUNNING', max_length=10)),
                ('holder', fields.CharField(max_length=64)),
                ('cursors', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('rows_rotated', fields.BigIntField(default=0)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('heartbeat_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'key_rotations', 'app': 'identity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='AuditLog',
            name='hash',
            field=fields.CharField(null=True, max_length=80),
        ),
        ops.AddField(
            model_name='AuditLog',
            name='seq',
            field=fields.BigIntField(null=True, unique=True),
        ),
        ops.AddField(
            model_name='AuditLog',
            name='union_id',
            field=fields.BigIntField(null=True, db_index=True),
        ),
        ops.RunPython(_forwards, _backwards),
    ]
