"""Indexes by expiry for `identity.retention`, which deletes expired SMS codes, old send
windows and long-dead refresh-token families in small batches. Additive (an earlier release
does not read them), and online: on PostgreSQL each is built CONCURRENTLY
(`unionhub.migration_ops`), so sign-ins and refreshes go on while refresh_tokens is indexed;
hence not atomic. A rerun after an interrupted build rebuilds what it left."""

from tortoise import migrations
from tortoise.indexes import Index

from unionhub.migration_ops import AddIndexConcurrently


class Migration(migrations.Migration):
    dependencies = [("identity", "0019_sms_check_decoys")]

    initial = False
    atomic = False

    operations = [
        AddIndexConcurrently(model_name="SmsCode",
                             index=Index(fields=["expires_at"], name="sms_codes_expires_at")),
        AddIndexConcurrently(model_name="SmsSendWindow",
                             index=Index(fields=["last_sent_at"],
                                         name="sms_send_windows_last_sent_at")),
        AddIndexConcurrently(model_name="RefreshToken",
                             index=Index(fields=["expires_at"],
                                         name="refresh_tokens_expires_at")),
    ]
