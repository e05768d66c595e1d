"""Issue 21 point 4: join applications past their due date are escalated once to the parent
union (escalated_at, escalated_to); the job finds them by (status, due_at)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('identity', '0010_lifecycle_exits_consent')]

    initial = False

    operations = [
        ops.AddField(
            model_name='JoinApplication',
            name='escalated_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='JoinApplication',
            name='escalated_to',
            field=fields.ForeignKeyField('identity.Union', source_field='escalated_to_id', null=True, db_constraint=True, to_field='id', related_name='escalated_applications', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddIndex(
            model_name='JoinApplication',
            index=Index(fields=['status', 'due_at']),
        ),
    ]
