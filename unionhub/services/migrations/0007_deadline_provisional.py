"""A request's deadline computed into a year whose State Council holiday notice the installed
`holidays` package did not carry is an estimate, and is marked so (`deadline_provisional`):
once the package carries the notice, the escalation job settles it (services.deadlines). Rows
already written are flagged by that job from their deadline's year, not here. Additive: an
earlier release's replicas do not read the column, and the job flags what they write."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('services', '0006_cadre_text_encrypted')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ServiceRequest',
            name='deadline_provisional',
            field=fields.BooleanField(default=False),
        ),
        ops.AddIndex(
            model_name='ServiceRequest',
            index=Index(fields=['deadline_provisional', 'deadline']),
        ),
    ]
