from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from unionhub.services.models import PointKind, RequestAction, RequestStatus, ServiceCategory, TimeLimitUnit
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='ServiceItem',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('union_id', fields.BigIntField()),
                ('union_path', fields.CharField(max_length=255)),
                ('name', fields.CharField(max_length=100)),
                ('category', fields.CharEnumField(description='LEGAL_AID: LEGAL_AID\nCOUNSELLING: COUNSELLING\nMUTUAL_AID_INSURANCE: MUTUAL_AID_INSURANCE\nHARDSHIP_ASSISTANCE: HARDSHIP_ASSISTANCE\nSKILLS_TRAINING: SKILLS_TRAINING\nJOB_POSTINGS: JOB_POSTINGS\nMODEL_WORKERS: MODEL_WORKERS\nMATCHMAKING: MATCHMAKING\nEBOOKS: EBOOKS', enum_type=ServiceCategory, max_length=24)),
                ('description', fields.TextField(default='', unique=False)),
                ('time_limit', fields.IntField()),
                ('time_limit_unit', fields.CharEnumField(description='WORKING_HOURS: WORKING_HOURS\nWORKING_DAYS: WORKING_DAYS', enum_type=TimeLimitUnit, max_length=16)),
                ('required_fields', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'service_items', 'app': 'services', 'constraints': [CheckConstraint(check='time_limit > 0', name='service_item_time_limit')], 'indexes': [Index(fields=['union_id', 'category'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServicePoint',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('union_id', fields.BigIntField(db_index=True)),
                ('name', fields.CharField(max_length=100)),
                ('kind', fields.CharEnumField(description='SERVICE_CENTER: SERVICE_CENTER\nWORKERS_HOME: WORKERS_HOME\nCARE_STATION: CARE_STATION', enum_type=PointKind, max_length=16)),
                ('latitude', fields.FloatField()),
                ('longitude', fields.FloatField()),
                ('address', fields.CharField(default='', max_length=200)),
                ('opening_hours', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('phone', fields.CharField(null=True, max_length=20)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'service_points', 'app': 'services', 'constraints': [CheckConstraint(check='latitude BETWEEN -85.05112878 AND 85.05112878', name='service_point_latitude'), CheckConstraint(check='longitude BETWEEN -180 AND 180', name='service_point_longitude')], 'indexes': [Index(fields=['latitude', 'longitude'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServiceRequest',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('item', fields.ForeignKeyField('services.ServiceItem', source_field='item_id', db_constraint=True, to_field='id', related_name='requests', on_delete=OnDelete.RESTRICT)),
                ('member_id', fields.BigIntField()),
                ('member_union_id', fields.BigIntField()),
                ('handling_union_id', fields.BigIntField()),
                ('handling_path', fields.CharField(max_length=255)),
                ('org_d0', fields.BigIntField(null=True)),
                ('org_d1', fields.BigIntField(null=True)),
                ('org_d2', fields.BigIntField(null=True)),
                ('org_d3', fields.BigIntField(null=True)),
                ('org_d4', fields.BigIntField(null=True)),
                ('status', fields.CharEnumField(default=RequestStatus.SUBMITTED, description='SUBMITTED: SUBMITTED\nACCEPTED: ACCEPTED\nIN_PROGRESS: IN_PROGRESS\nCOMPLETED: COMPLETED\nREJECTED: REJECTED', enum_type=RequestStatus, max_length=12)),
                ('details', fields.TextField(unique=False)),
                ('field_values', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('submitted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('deadline', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('accepted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('rejected_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolution', fields.TextField(null=True, unique=False)),
                ('reject_reason', fields.TextField(null=True, unique=False)),
                ('rating', fields.SmallIntField(null=True)),
                ('rating_comment', fields.CharField(null=True, max_length=500)),
                ('rated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('escalated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('escalated_to_id', fields.BigIntField(null=True)),
            ],
            options={'table': 'service_requests', 'app': 'services', 'constraints': [CheckConstraint(check='rating IS NULL OR rating BETWEEN 1 AND 5', name='service_request_rating_range')], 'indexes': [Index(fields=['member_id', 'id']), Index(fields=['handling_union_id', 'status', 'deadline']), Index(fields=['status', 'deadline']), Index(fields=['org_d0', 'id']), Index(fields=['org_d1', 'id']), Index(fields=['org_d2', 'id']), Index(fields=['org_d3', 'id']), Index(fields=['org_d4', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServiceRequestEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('services.ServiceRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('action', fields.CharEnumField(description='SUBMITTED: SUBMITTED\nACCEPTED: ACCEPTED\nSTARTED: STARTED\nCOMPLETED: COMPLETED\nREJECTED: REJECTED\nRATED: RATED\nESCALATED: ESCALATED', enum_type=RequestAction, max_length=12)),
                ('actor_id', fields.BigIntField(null=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('note', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'service_request_events', 'app': 'services', 'unique_together': (('request', 'action'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
