"""Issue 16: SMS codes (hashed, with their try counters), the per-phone send window, the
sandbox SMS outbox, and identity-verification conflicts. CHECKs added explicitly: Tortoise's
CreateModel does not create them (docs/architecture.md, "CHECK constraints")."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from unionhub.identity.models import SmsPurpose
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('identity', '0006_one_active_card_one_pending_review')]

    initial = False

    operations = [
        ops.CreateModel(
            name='IdentityConflict',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('identity.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='identity_conflicts', on_delete=OnDelete.CASCADE)),
                ('holder_member_id', fields.BigIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'identity_conflicts', 'app': 'identity', 'indexes': [Index(fields=['member_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SandboxSms',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('phone_bidx', fields.CharField(db_index=True, max_length=64)),
                ('purpose', fields.CharEnumField(description='REGISTER: REGISTER\nLOGIN: LOGIN\nRESET_PASSWORD: RESET_PASSWORD\nCHANGE_PHONE: CHANGE_PHONE', enum_type=SmsPurpose, max_length=16)),
                ('code_enc', fields.TextField(unique=False)),
                ('sent_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'sandbox_sms', 'app': 'identity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SmsCode',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('phone_bidx', fields.CharField(max_length=64)),
                ('purpose', fields.CharEnumField(description='REGISTER: REGISTER\nLOGIN: LOGIN\nRESET_PASSWORD: RESET_PASSWORD\nCHANGE_PHONE: CHANGE_PHONE', enum_type=SmsPurpose, max_length=16)),
                ('code_hash', fields.CharField(max_length=64)),
                ('attempts', fields.IntField(default=0)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('consumed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'sms_codes', 'app': 'identity', 'indexes': [Index(fields=['phone_bidx', 'purpose', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SmsSendWindow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('phone_bidx', fields.CharField(unique=True, max_length=64)),
                ('last_sent_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('day', fields.CharField(max_length=10)),
                ('day_count', fields.IntField(default=0)),
            ],
            options={'table': 'sms_send_windows', 'app': 'identity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddConstraint(
            model_name='SmsCode',
            constraint=CheckConstraint(check='attempts >= 0', name='sms_code_attempts'),
        ),
        ops.AddConstraint(
            model_name='SmsSendWindow',
            constraint=CheckConstraint(check='day_count >= 0', name='sms_window_day_count'),
        ),
    ]
