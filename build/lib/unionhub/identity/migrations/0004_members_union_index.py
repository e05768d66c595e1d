from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('identity', '0003_card_number_check')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Member',
            index=Index(fields=['union_id', 'id']),
        ),
    ]
