"""Issue 16: a spent refresh token keeps its successor pair (encrypted) for the grace window;
an index on `refresh_tokens.revoked_at` serves the revocation list's database fallback (the
families revoked in the last access-token lifetime)."""

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("identity", "0006_one_active_card_one_pending_review")]

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
    ]
