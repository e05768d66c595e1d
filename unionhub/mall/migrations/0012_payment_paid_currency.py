"""Money a rail took in another currency than ours (cny) is kept as what arrived: its
currency and its amount in that currency's minor units, both NULL for every payment in cny.
It is being given back (mall.payments), and the audit rows and the exception say what
arrived instead of the foreign figure read as fen (mall.money_audit.taken).

Online at any size: nullable columns without a default."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("mall", "0011_root_funds_proposals")]

    initial = False

    operations = [
        ops.AddField(model_name="Payment", name="paid_currency",
                     field=fields.CharField(max_length=8, null=True)),
        ops.AddField(model_name="Payment", name="paid_amount",
                     field=fields.BigIntField(null=True)),
    ]
