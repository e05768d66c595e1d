"""Issue 16: a spent refresh token keeps its successor pair (encrypted) for the grace window;
an index on `refresh_tokens.revoked_at` serves the revocation list's database fallback (the
families revoked in the last access-token lifetime); and display names that reveal a phone
number, an ID number or a legal name (the old defaults `会员` + the phone or its last four
digits) are replaced with `会员` + a random code (`示例会员` + a code for the old synthetic
seeds, named after their full phone numbers). Needs UNIONHUB_DATA_KEY to read the personal data.
Cached member records holding a replaced name are dropped (best effort: Redis may be away; the
cache's TTL bounds what is left)."""

import random

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

_BATCH = 5000


async def _rename_revealing_display_names(apps, schema_editor) -> None:
    from unionhub.cache import get_redis, safe
    from unionhub.identity.crypto import decrypt
    from unionhub.identity.display_names import default_display_name, reveals_personal_data
    from unionhub.identity.seed import SYNTHETIC_PREFIX

    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    select = ("SELECT id, display_name, phone_enc, name_enc, id_number_enc FROM members "
              f"WHERE id > {'$1' if postgres else '?'} ORDER BY id LIMIT {_BATCH}")
    update = ("UPDATE members SET display_name = $1 WHERE id = $2" if postgres else
              "UPDATE members SET display_name = ? WHERE id = ?")
    rng = random.SystemRandom()
    after = 0
    while rows := await client.execute_query_dict(select, [after]):
        after = rows[-1]["id"]
        renamed = []
        for row in rows:
            owner = row["id"]  # (values of this age are unbound; the id is their row)
            phone = decrypt(row["phone_enc"], "phone", owner=owner)
            name = decrypt(row["name_enc"], "name", owner=owner) if row["name_enc"] else None
            id_number = decrypt(row["id_number_enc"], "id_number", owner=owner) \
                if row["id_number_enc"] else None
            if not reveals_personal_data(row["display_name"], phone, id_number, name):
                continue
            fresh = default_display_name(rng)
            if row["display_name"] == f"会员{phone}" and phone.startswith("1"):
                fresh = SYNTHETIC_PREFIX + fresh.removeprefix("会员")
            renamed.append([fresh, row["id"]])
        if renamed:
            await client.execute_many(update, renamed)
            await safe(get_redis().delete(*(f"member:v1:{i}" for _, i in renamed)), 0)


async def _keep_names(apps, schema_editor) -> None:
    """Nothing to undo: the old names are not kept (they were the personal data)."""


class Migration(migrations.Migration):
    dependencies = [("identity", "0007_sms_phone_codes_and_idverify")]

    initial = False

    operations = [
        ops.AddField(
            model_name="RefreshToken",
            name="successor_enc",
            field=fields.TextField(null=True),
        ),
        ops.AddIndex(
            model_name="RefreshToken",
            index=Index(fields=["revoked_at"]),
        ),
        ops.RunPython(_rename_revealing_display_names, _keep_names),
    ]
