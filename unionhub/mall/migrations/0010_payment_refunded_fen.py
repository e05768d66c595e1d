"""Payments remember what their rail has given back so far (`refunded_fen`), from the rail's
notices and answers: a full refund asked for after a partial one made in the rail's merchant
portal asks for what remains, which the rail accepts, instead of the whole, which it refused
(mall/refunded.py).

Online at any size: a constant default is only recorded in the catalogue on PostgreSQL 11+.
Payments partly refunded before this migration read 0 (OPERATORS.md says what follows)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("mall", "0009_funds_from_parent")]

    initial = False

    operations = [
        ops.AddField(model_name="Payment", name="refunded_fen",
                     field=fields.IntField(default=0, db_default=0)),
    ]
