"""Identity models: the union tree, members, cards, membership workflows, tokens, audit log.

Personal data (phone, legal name, ID number) is stored only encrypted (`*_enc`) and found
through keyed blind indexes (`*_bidx`); plaintext never reaches the database.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model


class UnionLevel(StrEnum):
    NATIONAL = "NATIONAL"
    PROVINCE = "PROVINCE"
    CITY = "CITY"
    COUNTY = "COUNTY"
    GRASSROOTS = "GRASSROOTS"


LEVEL_DEPTH = {level: depth for depth, level in enumerate(UnionLevel)}


class Role(StrEnum):
    MEMBER = "MEMBER"
    CADRE = "CADRE"
    OPERATOR = "OPERATOR"
    ADMIN = "ADMIN"


class CardStatus(StrEnum):
    ACTIVE = "ACTIVE"
    FROZEN = "FROZEN"
    LOST = "LOST"
    CANCELLED = "CANCELLED"


class ReviewStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class Union(Model):
    # A union organisation. `path` is the materialized path of ids ("/1/7/42/"): a subtree is
    # one indexed prefix scan, and "is X inside Y" is a string comparison with no query.

    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=100)
    level = fields.CharEnumField(UnionLevel, max_length=12)
    parent: fields.ForeignKeyNullableRelation[Union] = fields.ForeignKeyField(
        "identity.Union", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True, default="")
    region_code = fields.CharField(max_length=6, db_index=True)
    credit_code = fields.CharField(max_length=18, null=True)
    join_code = fields.CharField(max_length=16, null=True, unique=True)
    auto_approve = fields.BooleanField(default=False)
    # The holding pool for workers with no grassroots union (new forms of employment).
    is_holding_pool = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "unions"


class Member(Model):
    id = fields.BigIntField(primary_key=True)
    phone_enc = fields.TextField()
    phone_bidx = fields.CharField(max_length=64, unique=True)
    password_hash = fields.CharField(max_length=200)
    display_name = fields.CharField(max_length=40)
    role = fields.CharEnumField(Role, max_length=10, default=Role.MEMBER)
    cadre_org: fields.ForeignKeyNullableRelation[Union] = fields.ForeignKeyField(
        "identity.Union", related_name="cadres", null=True, on_delete=fields.RESTRICT
    )
    union: fields.ForeignKeyRelation[Union] = fields.ForeignKeyField(
        "identity.Union", related_name="members", on_delete=fields.RESTRICT
    )
    joined_at = fields.DatetimeField(null=True)
    name_enc = fields.TextField(null=True)
    id_number_enc = fields.TextField(null=True)
    id_number_bidx = fields.CharField(max_length=64, null=True, unique=True)
    verified_at = fields.DatetimeField(null=True)
    # The privacy notice the member consented to at real-name verification (PIPL art. 29),
    # and when: proof of consent, kept after an account closure.
    consent_version = fields.CharField(max_length=32, null=True)
    consented_at = fields.DatetimeField(null=True)
    # Set when the member closed their account: the row stays (orders, payments and audit
    # rows point at its id, the pseudonym) with every personal field erased.
    closed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "members"
        # Members of a union (and of a subtree, joined through unions.path), paged by id.
        indexes = (Index(fields=("union_id", "id")),)


class MemberCard(Model):
    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "identity.Member", related_name="cards", on_delete=fields.CASCADE
    )
    number = fields.CharField(max_length=19, unique=True)
    status = fields.CharEnumField(CardStatus, max_length=10, default=CardStatus.ACTIVE)
    issued_at = fields.DatetimeField(auto_now_add=True)
    status_changed_at = fields.DatetimeField(null=True)
    # Why the card was frozen or cancelled, as the cadre or member wrote it (kept out of the
    # audit log, which holds ids and codes only).
    status_reason = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "member_cards"
        indexes = (Index(fields=("member_id", "status")),)
        constraints = (
            CheckConstraint(check="length(number) BETWEEN 16 AND 19", name="card_number_len"),
        )


class JoinApplication(Model):
    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "identity.Member", related_name="join_applications", on_delete=fields.CASCADE
    )
    union: fields.ForeignKeyRelation[Union] = fields.ForeignKeyField(
        "identity.Union", related_name="join_applications", on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(ReviewStatus, max_length=10, default=ReviewStatus.PENDING)
    # The reviewer's reason for a rejection (the applicant gives none); null otherwise.
    reason = fields.CharField(max_length=500, null=True)
    reviewed_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "identity.Member", related_name="reviewed_applications", null=True,
        on_delete=fields.SET_NULL,
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    due_at = fields.DatetimeField()
    reviewed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "join_applications"
        indexes = (Index(fields=("union_id", "status")), Index(fields=("member_id", "status")))


class TransferRequest(Model):
    # A move between grassroots unions; rows are never deleted, so they are the history.

    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "identity.Member", related_name="transfers", on_delete=fields.CASCADE
    )
    from_union: fields.ForeignKeyRelation[Union] = fields.ForeignKeyField(
        "identity.Union", related_name="transfers_out", on_delete=fields.RESTRICT
    )
    to_union: fields.ForeignKeyRelation[Union] = fields.ForeignKeyField(
        "identity.Union", related_name="transfers_in", on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(ReviewStatus, max_length=10, default=ReviewStatus.PENDING)
    # The member's own reason for moving; kept as written whatever the review decides.
    reason = fields.CharField(max_length=500, null=True)
    # The reviewer's reason for a rejection; null otherwise.
    review_reason = fields.CharField(max_length=500, null=True)
    reviewed_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "identity.Member", related_name="reviewed_transfers", null=True,
        on_delete=fields.SET_NULL,
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    reviewed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "transfer_requests"
        indexes = (Index(fields=("to_union_id", "status")), Index(fields=("member_id", "status")))


class RefreshToken(Model):
    # A rotating refresh token; only its SHA-256 is stored. All tokens issued from one login
    # share a family: presenting a used token revokes the whole family (theft detection).

    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "identity.Member", related_name="refresh_tokens", on_delete=fields.CASCADE
    )
    family = fields.CharField(max_length=32, db_index=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "refresh_tokens"


class AuditLog(Model):
    # Append-only: the application only ever inserts. `detail` holds ids and codes, never
    # personal data.

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor_id = fields.BigIntField(null=True, db_index=True)
    action = fields.CharField(max_length=64, db_index=True)
    subject_type = fields.CharField(max_length=32)
    subject_id = fields.CharField(max_length=64)
    trace_id = fields.CharField(max_length=32, null=True)
    detail = fields.JSONField(default=dict)

    class Meta:
        table = "audit_log"
        indexes = (Index(fields=("subject_type", "subject_id")),)



class MembershipExit(Model):
    # 退会: a member left (or was removed from) a union. Rows are never deleted: the history.
    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "identity.Member", related_name="exits", on_delete=fields.CASCADE
    )
    union: fields.ForeignKeyRelation[Union] = fields.ForeignKeyField(
        "identity.Union", related_name="exits", on_delete=fields.RESTRICT
    )
    joined_at = fields.DatetimeField(null=True)
    left_at = fields.DatetimeField()
    # Who ended it: the member, or a cadre in scope (with their reason); ACCOUNT_CLOSED when
    # the membership ended with the account.
    actor_id = fields.BigIntField(null=True)
    kind = fields.CharField(max_length=16)
    reason = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "membership_exits"
        indexes = (Index(fields=("member_id", "id")),)
        constraints = (
            CheckConstraint(check="kind IN ('LEFT', 'REMOVED', 'ACCOUNT_CLOSED')",
                            name="membership_exit_kind"),
        )


class PendingCacheInvalidation(Model):
    # A member-cache invalidation that Redis refused (unreachable at the write): replayed
    # until it succeeds, so a cached scope, card or tier never outlives the change by more
    # than the replay interval (`identity.invalidations`).
    id = fields.BigIntField(primary_key=True)
    member_id = fields.BigIntField(db_index=True)
    card_numbers = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    attempts = fields.IntField(default=0)

    class Meta:
        table = "identity_pending_cache_invalidations"
