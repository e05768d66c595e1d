"""Drops 0015's PL/pgSQL function `member_name_search_ids`. A name search's page has been one
statement with its values as constants (`identity.member_search.name_page_statement`) since the
release before this one; the function stayed so that processes of the release before that kept
searching during its rolling deploy. None runs now.

Safe online: DROP FUNCTION takes a lock on the function alone. Reversing creates it again."""

import importlib

from tortoise import migrations
from tortoise.migrations import operations as ops

_DROP = "DROP FUNCTION IF EXISTS member_name_search_ids(text, text, bigint, boolean, integer)"


async def _drop(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script(_DROP)


async def _create_again(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        created = importlib.import_module(
            "unionhub.identity.migrations.0015_member_name_search_function")
        await schema_editor.client.execute_script(created.CREATE)


class Migration(migrations.Migration):
    dependencies = [("identity", "0016_sessions_epoch")]

    operations = [ops.RunPython(_drop, _create_again)]
