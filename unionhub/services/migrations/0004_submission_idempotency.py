"""submitServiceRequest's idempotency key: a client retrying after a lost answer made a second
request. The key is the member's own (unique with member_id; requests without one, NULL,
never collide) and the fingerprint binds it to what it first asked for."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint


class Migration(migrations.Migration):
    dependencies = [('services', '0003_check_constraints')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ServiceRequest',
            name='idempotency_key',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='ServiceRequest',
            name='request_fingerprint',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddConstraint(
            model_name='ServiceRequest',
            constraint=UniqueConstraint(fields=('member_id', 'idempotency_key'), name=None),
        ),
    ]
