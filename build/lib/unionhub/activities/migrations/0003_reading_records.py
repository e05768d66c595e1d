"""Reading activities (网上读书): a record of what a member read each day, and the daily cap."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('activities', '0002_quiz_attempts_per_day')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ReadingRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity', fields.ForeignKeyField('activities.Activity', source_field='activity_id', db_constraint=True, to_field='id', related_name='reading_records', on_delete=OnDelete.CASCADE)),
                ('member_id', fields.BigIntField()),
                ('union_id', fields.BigIntField()),
                ('day', fields.DateField()),
                ('minutes', fields.SmallIntField()),
                ('title', fields.CharField(max_length=100)),
                ('submitted_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'activity_reading_records', 'app': 'activities', 'unique_together': (('activity', 'member_id', 'day'),), 'pk_attr': 'id', 'table_description': 'What a member read on one day of a reading activity (网上读书): one record a day,'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Activity',
            name='daily_minute_cap',
            field=fields.SmallIntField(default=240, db_default=240),
        ),
        # CreateModel records Meta.constraints without creating them (Tortoise 1.1.9): explicit.
        ops.AddConstraint(
            model_name='ReadingRecord',
            constraint=CheckConstraint(check='minutes > 0 AND minutes <= 1440', name='reading_minutes'),
        ),
    ]
