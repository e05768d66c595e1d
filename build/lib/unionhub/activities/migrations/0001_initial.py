from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from unionhub.activities.models import ActivityKind, EnrollmentStatus, MinTier
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Activity',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=100)),
                ('description', fields.TextField(default='', unique=False)),
                ('kind', fields.CharEnumField(description='WALKING: WALKING\nQUIZ: QUIZ\nREADING: READING\nBENEFIT_DRAW: BENEFIT_DRAW\nEVENT: EVENT', enum_type=ActivityKind, max_length=12)),
                ('organizer_id', fields.BigIntField(db_index=True)),
                ('scope_path', fields.CharField(db_index=True, max_length=255)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('capacity', fields.IntField(null=True)),
                ('enrolled_count', fields.IntField(default=0)),
                ('min_tier', fields.CharEnumField(default=MinTier.VERIFIED, description='MEMBER: MEMBER\nVERIFIED: VERIFIED', enum_type=MinTier, max_length=10)),
                ('daily_step_cap', fields.IntField(default=12000)),
                ('quiz_time_limit_seconds', fields.IntField(default=600)),
                ('winners_count', fields.IntField(null=True)),
                ('draw_commitment', fields.CharField(null=True, max_length=64)),
                ('draw_seed', fields.CharField(null=True, max_length=64)),
                ('draw_entrants_digest', fields.CharField(null=True, max_length=64)),
                ('drawn_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('board_misses', fields.IntField(default=0)),
                ('created_by_id', fields.BigIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'activities', 'app': 'activities', 'indexes': [Index(fields=['kind', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Enrollment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity', fields.ForeignKeyField('activities.Activity', source_field='activity_id', db_constraint=True, to_field='id', related_name='enrollments', on_delete=OnDelete.CASCADE)),
                ('member_id', fields.BigIntField(db_index=True)),
                ('union_id', fields.BigIntField()),
                ('status', fields.CharEnumField(default=EnrollmentStatus.ENROLLED, description='ENROLLED: ENROLLED\nWON: WON', enum_type=EnrollmentStatus, max_length=10)),
                ('enrolled_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('won_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('total_counted', fields.BigIntField(default=0)),
                ('step_days', fields.IntField(default=0)),
            ],
            options={'table': 'activity_enrollments', 'app': 'activities', 'unique_together': (('activity', 'member_id'),), 'indexes': [Index(fields=['activity_id', 'union_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='QuizAttempt',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity', fields.ForeignKeyField('activities.Activity', source_field='activity_id', db_constraint=True, to_field='id', related_name='quiz_attempts', on_delete=OnDelete.CASCADE)),
                ('member_id', fields.BigIntField()),
                ('union_id', fields.BigIntField()),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('answers', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('score', fields.IntField(null=True)),
                ('max_score', fields.IntField()),
                ('correct_count', fields.IntField(null=True)),
                ('time_used_ms', fields.IntField(null=True)),
            ],
            options={'table': 'activity_quiz_attempts', 'app': 'activities', 'unique_together': (('activity', 'member_id'),), 'indexes': [Index(fields=['activity_id', 'score', 'time_used_ms'])], 'pk_attr': 'id', 'table_description': 'One per member and quiz: started (questions shown, clock running), then submitted once.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='QuizQuestion',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity', fields.ForeignKeyField('activities.Activity', source_field='activity_id', db_constraint=True, to_field='id', related_name='questions', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('text', fields.TextField(unique=False)),
                ('options', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('answer_key', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('points', fields.IntField(default=10)),
            ],
            options={'table': 'activity_quiz_questions', 'app': 'activities', 'unique_together': (('activity', 'position'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StepRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity', fields.ForeignKeyField('activities.Activity', source_field='activity_id', db_constraint=True, to_field='id', related_name='step_records', on_delete=OnDelete.CASCADE)),
                ('member_id', fields.BigIntField()),
                ('union_id', fields.BigIntField()),
                ('day', fields.DateField()),
                ('steps', fields.IntField()),
                ('counted', fields.IntField()),
                ('submitted_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'activity_step_records', 'app': 'activities', 'unique_together': (('activity', 'member_id', 'day'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='UnionTally',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity', fields.ForeignKeyField('activities.Activity', source_field='activity_id', db_constraint=True, to_field='id', related_name='union_tallies', on_delete=OnDelete.CASCADE)),
                ('union_id', fields.BigIntField()),
                ('participants', fields.IntField(default=0)),
                ('counted_sum', fields.BigIntField(default=0)),
            ],
            options={'table': 'activity_union_tallies', 'app': 'activities', 'unique_together': (('activity', 'union_id'),), 'pk_attr': 'id', 'table_description': 'Per (activity, union) sums behind the union leaderboard, updated with the records.'},
            bases=['Model'],
        ),
        # Tortoise 1.1.9's CreateModel does not create CHECK constraints from its options:
        # add them explicitly (PostgreSQL: ALTER TABLE; SQLite: the table is rebuilt).
        ops.AddConstraint(model_name='Activity', constraint=CheckConstraint(check='enrolled_count >= 0', name='activity_enrolled_nonneg')),
        ops.AddConstraint(model_name='Activity', constraint=CheckConstraint(check='capacity IS NULL OR enrolled_count <= capacity', name='activity_capacity')),
        ops.AddConstraint(model_name='Activity', constraint=CheckConstraint(check='ends_at > starts_at', name='activity_window')),
        ops.AddConstraint(model_name='Activity', constraint=CheckConstraint(check='daily_step_cap > 0', name='activity_step_cap')),
        ops.AddConstraint(model_name='StepRecord', constraint=CheckConstraint(check='steps >= 0 AND steps <= 98800', name='step_plausible')),
        ops.AddConstraint(model_name='StepRecord', constraint=CheckConstraint(check='counted >= 0 AND counted <= steps', name='step_counted')),
    ]
