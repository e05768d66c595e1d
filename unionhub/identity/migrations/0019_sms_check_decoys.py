"""`sms_check_decoys`: the rows an SMS code check writes when the phone has no live code, as a
live code's try writes its `sms_codes` row, so the answer's time does not tell a stranger that
a code was asked for a phone (`identity.sms_codes._spend_decoy`, which makes its few rows on
first use). A new, empty table: safe online."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("identity", "0018_session_started_at")]

    initial = False

    operations = [
        ops.CreateModel(
            name="SmsCheckDecoy",
            fields=[
                ("id", fields.IntField(primary_key=True, unique=True, db_index=True)),
                ("flips", fields.IntField(default=0)),
            ],
            options={"table": "sms_check_decoys", "app": "identity", "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
