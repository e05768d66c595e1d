"""Issue 17: membership exits (退会) with their reason, card status reasons, consent to the
privacy notice, account closure, and the replay queue of failed member-cache invalidations.
The exit kind's CHECK is added explicitly (CreateModel records it but creates none)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('identity', '0009_audit_chain_and_key_ids')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MembershipExit',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('identity.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='exits', on_delete=OnDelete.CASCADE)),
                ('union', fields.ForeignKeyField('identity.Union', source_field='union_id', db_constraint=True, to_field='id', related_name='exits', on_delete=OnDelete.RESTRICT)),
                ('joined_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('left_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('actor_id', fields.BigIntField(null=True)),
                ('kind', fields.CharField(max_length=16)),
                ('reason', fields.CharField(null=True, max_length=500)),
            ],
            options={'table': 'membership_exits', 'app': 'identity', 'indexes': [Index(fields=['member_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PendingCacheInvalidation',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member_id', fields.BigIntField(db_index=True)),
                ('card_numbers', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('attempts', fields.IntField(default=0)),
            ],
            options={'table': 'identity_pending_cache_invalidations', 'app': 'identity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Member',
            name='closed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Member',
            name='consent_version',
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.AddField(
            model_name='Member',
            name='consented_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='MemberCard',
            name='status_reason',
            field=fields.CharField(null=True, max_length=500),
        ),
        ops.AddConstraint(
            model_name="MembershipExit",
            constraint=CheckConstraint(check="kind IN ('LEFT', 'REMOVED', 'ACCOUNT_CLOSED')",
                                       name="membership_exit_kind"),
        ),
    ]
