"""Union funds' models (工会经费): yearly budgets, their ledger, and the root union's proposed
allocations. Re-exported by mall.models, the module Tortoise reads the mall's models from."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from unionhub.mall.enums import FundsEntryKind, RootFundsProposalStatus


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



class RootFundsProposal(Model):
    # The root union's allocation for a year, money from outside the tree: proposed by one
    # ADMIN (the maker), approved or rejected by another (the checker), or withdrawn by the
    # maker; it reaches the budget and the ledger only when approved. Leaves PENDING by one
    # conditional UPDATE, so once. A CHECK keeps the maker from deciding it.
    id = fields.BigIntField(primary_key=True)
    union_id = fields.BigIntField()
    year = fields.IntField()
    amount_fen = fields.BigIntField()
    reason = fields.CharField(max_length=200)  # why, for the records; never personal data
    status = fields.CharEnumField(RootFundsProposalStatus, max_length=10,
                                  default=RootFundsProposalStatus.PENDING)
    proposed_by_id = fields.BigIntField()
    proposed_at = fields.DatetimeField(auto_now_add=True)
    decided_by_id = fields.BigIntField(null=True)  # the checker; the maker for WITHDRAWN
    decided_at = fields.DatetimeField(null=True)
    note = fields.CharField(max_length=200, null=True)  # the checker's, on a rejection

    class Meta:
        table = "mall_root_funds_proposals"
        constraints = (  # (a few rows a year: no index beyond the key)
            CheckConstraint(check="amount_fen > 0", name="mall_root_proposal_positive"),
            CheckConstraint(
                check="(status = 'PENDING' AND decided_by_id IS NULL) OR (decided_by_id IS NOT"
                      " NULL AND ((status = 'WITHDRAWN' AND decided_by_id = proposed_by_id) OR"
                      " (status IN ('APPROVED', 'REJECTED') AND decided_by_id <> proposed_by_id)))",
                name="mall_root_proposal_checker"),
        )
