from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from unionhub.identity.models import CardStatus, ReviewStatus, Role, UnionLevel
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='AuditLog',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('actor_id', fields.BigIntField(null=True, db_index=True)),
                ('action', fields.CharField(db_index=True, max_length=64)),
                ('subject_type', fields.CharField(max_length=32)),
                ('subject_id', fields.CharField(max_length=64)),
                ('trace_id', fields.CharField(null=True, max_length=32)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'audit_log', 'app': 'identity', 'indexes': [Index(fields=['subject_type', 'subject_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Union',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=100)),
                ('level', fields.CharEnumField(description='NATIONAL: NATIONAL\nPROVINCE: PROVINCE\nCITY: CITY\nCOUNTY: COUNTY\nGRASSROOTS: GRASSROOTS', enum_type=UnionLevel, max_length=12)),
                ('parent', fields.ForeignKeyField('identity.Union', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(default='', db_index=True, max_length=255)),
                ('region_code', fields.CharField(db_index=True, max_length=6)),
                ('credit_code', fields.CharField(null=True, max_length=18)),
                ('join_code', fields.CharField(null=True, unique=True, max_length=16)),
                ('auto_approve', fields.BooleanField(default=False)),
                ('is_holding_pool', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'unions', 'app': 'identity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Member',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('phone_enc', fields.TextField(unique=False)),
                ('phone_bidx', fields.CharField(unique=True, max_length=64)),
                ('password_hash', fields.CharField(max_length=200)),
                ('display_name', fields.CharField(max_length=40)),
                ('role', fields.CharEnumField(default=Role.MEMBER, description='MEMBER: MEMBER\nCADRE: CADRE\nOPERATOR: OPERATOR\nADMIN: ADMIN', enum_type=Role, max_length=10)),
                ('cadre_org', fields.ForeignKeyField('identity.Union', source_field='cadre_org_id', null=True, db_constraint=True, to_field='id', related_name='cadres', on_delete=OnDelete.RESTRICT)),
                ('union', fields.ForeignKeyField('identity.Union', source_field='union_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.RESTRICT)),
                ('joined_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('name_enc', fields.TextField(null=True, unique=False)),
                ('id_number_enc', fields.TextField(null=True, unique=False)),
                ('id_number_bidx', fields.CharField(null=True, unique=True, max_length=64)),
                ('verified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'members', 'app': 'identity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='JoinApplication',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('identity.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='join_applications', on_delete=OnDelete.CASCADE)),
                ('union', fields.ForeignKeyField('identity.Union', source_field='union_id', db_constraint=True, to_field='id', related_name='join_applications', on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(default=ReviewStatus.PENDING, description='PENDING: PENDING\nAPPROVED: APPROVED\nREJECTED: REJECTED', enum_type=ReviewStatus, max_length=10)),
                ('reason', fields.CharField(null=True, max_length=500)),
                ('reviewed_by', fields.ForeignKeyField('identity.Member', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name='reviewed_applications', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'join_applications', 'app': 'identity', 'indexes': [Index(fields=['union_id', 'status']), Index(fields=['member_id', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberCard',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('identity.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='cards', on_delete=OnDelete.CASCADE)),
                ('number', fields.CharField(unique=True, max_length=19)),
                ('status', fields.CharEnumField(default=CardStatus.ACTIVE, description='ACTIVE: ACTIVE\nFROZEN: FROZEN\nLOST: LOST\nCANCELLED: CANCELLED', enum_type=CardStatus, max_length=10)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('status_changed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'member_cards', 'app': 'identity', 'constraints': [CheckConstraint(check='length(number) BETWEEN 16 AND 19', name='card_number_len')], 'indexes': [Index(fields=['member_id', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RefreshToken',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('identity.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='refresh_tokens', on_delete=OnDelete.CASCADE)),
                ('family', fields.CharField(db_index=True, max_length=32)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'refresh_tokens', 'app': 'identity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TransferRequest',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('identity.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='transfers', on_delete=OnDelete.CASCADE)),
                ('from_union', fields.ForeignKeyField('identity.Union', source_field='from_union_id', db_constraint=True, to_field='id', related_name='transfers_out', on_delete=OnDelete.RESTRICT)),
                ('to_union', fields.ForeignKeyField('identity.Union', source_field='to_union_id', db_constraint=True, to_field='id', related_name='transfers_in', on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(default=ReviewStatus.PENDING, description='PENDING: PENDING\nAPPROVED: APPROVED\nREJECTED: REJECTED', enum_type=ReviewStatus, max_length=10)),
                ('reason', fields.CharField(null=True, max_length=500)),
                ('reviewed_by', fields.ForeignKeyField('identity.Member', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name='reviewed_transfers', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'transfer_requests', 'app': 'identity', 'indexes': [Index(fields=['to_union_id', 'status']), Index(fields=['member_id', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
