"""Union funds: a spend remembers whether a cadre of an ancestor union approved it, so the
escalation line applies to what the union's own cadres approved in a rolling window, not to
one order at a time (splitting a purchase no longer dodges it).

Online at any size: a constant default is only recorded in the catalogue on PostgreSQL 11+
(no rewrite, a brief lock). Spends from before have false: they count toward the union's own
total for one window, the cautious reading of approvals whose level was not recorded."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("mall", "0007_sales_summary")]

    initial = False

    operations = [
        ops.AddField(model_name="UnionFundsEntry", name="approved_above",
                     field=fields.BooleanField(default=False, db_default=False)),
    ]
