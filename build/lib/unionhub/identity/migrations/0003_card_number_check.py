"""Tortoise 1.1.9's CreateModel records Meta.constraints in the migration state but does not
create CHECK constraints in the database: add the card-number check explicitly."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import CheckConstraint


class Migration(migrations.Migration):
    dependencies = [("identity", "0002_union_path_prefix_index")]

    operations = [
        ops.AddConstraint(
            model_name="MemberCard",
            constraint=CheckConstraint(check="length(number) BETWEEN 16 AND 19",
                                       name="card_number_len"),
        ),
    ]
