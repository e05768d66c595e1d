"""`refresh_tokens.session_started_at`: when a session's sign-in was, copied to each token its
rotations issue, so a refresh is refused once the session is UNIONHUB_SESSION_MAX_AGE_SECONDS
old however often it was refreshed (`identity.accounts.refresh`).

Safe online: a nullable column without a default only changes the catalogue (no rewrite, no
scan). Tokens stored before it read NULL: their session's start is the family's first token's
`created_at`, read at their next refresh and carried on from there."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("identity", "0017_drop_member_name_search_function")]

    initial = False

    operations = [
        ops.AddField(
            model_name="RefreshToken",
            name="session_started_at",
            field=fields.DatetimeField(null=True),
        ),
    ]
