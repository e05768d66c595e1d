from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('identity', '0004_members_union_index')]

    initial = False

    operations = [
        ops.AddField(
            model_name='TransferRequest',
            name='review_reason',
            field=fields.CharField(null=True, max_length=500),
        ),
    ]
