"""A per-member session epoch, so a sign-in racing a revocation of all the member's sessions
(a password reset, a phone change, a role change, the account's closure) cannot outlive it:
`members.sessions_epoch` is incremented by every such revocation, and a new session is stored
only if it is still the value read before the credentials were checked
(`identity.sessions.open_session`). `refresh_tokens.sessions_epoch` is the value a session
began with; a refresh compares the two.

Safe online at 10 million members: on PostgreSQL 11+ adding a column with a constant default
(`INTEGER NOT NULL DEFAULT 0`) or a nullable one without a default only changes the catalogue
(no table rewrite, no scan; the ACCESS EXCLUSIVE lock is held for an instant, once the
transactions already reading the table have ended: run it outside a long report). Rows of both
tables read 0 / NULL: sessions begun before the migration are not compared at refresh (the
revocations' marks still end them)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("identity", "0015_member_name_search_function")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Member",
            name="sessions_epoch",
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name="RefreshToken",
            name="sessions_epoch",
            field=fields.IntField(null=True),
        ),
    ]
