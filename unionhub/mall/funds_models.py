"""Union funds' models (工会经费): yearly budgets and their ledger. Re-exported by mall.models,
the module Tortoise reads the mall's models from."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from unionhub.mall.enums import FundsEntryKind


class UnionFundsBudget(Model):
    # A union's funds (工会经费) for a year: out of its parent's, spent by approved bulk orders
    # and passed on to its children, by conditional updates (and a CHECK) only.
    id = fields.BigIntField(primary_key=True)
    union_id = fields.BigIntField()
    year = fields.IntField()
    allocated_fen = fields.BigIntField(default=0)
    spent_fen = fields.BigIntField(default=0)
    to_children_fen = fields.BigIntField(default=0, db_default=0)

    class Meta:
        table = "mall_union_funds_budgets"
        unique_together = (("union_id", "year"),)
        constraints = (CheckConstraint(
            check="spent_fen >= 0 AND to_children_fen >= 0 AND "
                  "spent_fen + to_children_fen <= allocated_fen",
            name="mall_funds_within_allocation"),)


class UnionFundsEntry(Model):
    # A union's funds' ledger: every movement, its actor and trace id. Append-only; the
    # sums match the budget row (tests check it).
    id = fields.BigIntField(primary_key=True)
    union_id = fields.BigIntField()
    year = fields.IntField()
    kind = fields.CharEnumField(FundsEntryKind, max_length=10)
    amount_fen = fields.BigIntField()
    order_id = fields.BigIntField(null=True)
    actor_id = fields.BigIntField(null=True)
    trace_id = fields.CharField(max_length=32, null=True)
    at = fields.DatetimeField(auto_now_add=True)
    # A SPEND approved by an ancestor union's cadre. The rest (and all before migration 0008)
    # make the running total the escalation line applies to (union_funds.py).
    approved_above = fields.BooleanField(default=False, db_default=False)
    # An allocation's other union: the parent (ALLOCATION) or the child (TO_CHILD).
    counterpart_union_id = fields.BigIntField(null=True)

    class Meta:
        table = "mall_union_funds_entries"
        indexes = (Index(fields=("union_id", "year")), Index(fields=("order_id",)))
        constraints = (
            CheckConstraint(check="amount_fen > 0", name="mall_funds_entry_positive"),
        )
