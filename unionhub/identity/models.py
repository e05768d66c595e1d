"""Identity models: the union tree, members, cards, membership workflows, tokens, audit log.

Personal data (phone, legal name, ID number) is stored only encrypted (`*_enc`) and found
through keyed blind indexes (`*_bidx`); plaintext never reaches the database.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from unionhub.identity.enums import CardStatus, ReviewStatus, Role, SmsPurpose, UnionLevel


class Union(Model):
    # A union organisation. `path` is the materialized path of ids ("/1/7/42/"): a subtree is
    # one indexed prefix scan, and "is X inside Y" is a string comparison with no query.

    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=100)
    level = fields.CharEnumField(UnionLevel, max_length=12)
    parent: fields.ForeignKeyNullableRelation[Union] = fields.ForeignKeyField(
        "identity.Union", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    parent_id: int | None
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
    cadre_org_id: int | None
    union: fields.ForeignKeyRelation[Union] = fields.ForeignKeyField(
        "identity.Union", related_name="members", on_delete=fields.RESTRICT
    )
    union_id: int
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
    # Incremented by every revocation of all the member's sessions (sessions.py): a sign-in
    # whose credentials were checked against an older value is refused.
    sessions_epoch = fields.IntField(default=0, db_default=0)
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
    member_id: int
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
    member_id: int
    union: fields.ForeignKeyRelation[Union] = fields.ForeignKeyField(
        "identity.Union", related_name="join_applications", on_delete=fields.RESTRICT
    )
    union_id: int
    status = fields.CharEnumField(ReviewStatus, max_length=10, default=ReviewStatus.PENDING)
    # The reviewer's reason for a rejection (the applicant gives none); null otherwise.
    reason = fields.CharField(max_length=500, null=True)
    reviewed_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "identity.Member", related_name="reviewed_applications", null=True,
        on_delete=fields.SET_NULL,
    )
    reviewed_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    due_at = fields.DatetimeField()
    reviewed_at = fields.DatetimeField(null=True)
    # Set once by the periodic job when still pending past due_at (join_deadlines.py).
    escalated_at = fields.DatetimeField(null=True)
    escalated_to: fields.ForeignKeyNullableRelation[Union] = fields.ForeignKeyField(
        "identity.Union", related_name="escalated_applications", null=True,
        on_delete=fields.RESTRICT)
    escalated_to_id: int | None

    class Meta:
        table = "join_applications"
        indexes = (Index(fields=("union_id", "status")), Index(fields=("member_id", "status")),
                   Index(fields=("status", "due_at")))


class TransferRequest(Model):
    # A move between grassroots unions; rows are never deleted, so they are the history.

    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "identity.Member", related_name="transfers", on_delete=fields.CASCADE
    )
    member_id: int
    from_union: fields.ForeignKeyRelation[Union] = fields.ForeignKeyField(
        "identity.Union", related_name="transfers_out", on_delete=fields.RESTRICT
    )
    from_union_id: int
    to_union: fields.ForeignKeyRelation[Union] = fields.ForeignKeyField(
        "identity.Union", related_name="transfers_in", on_delete=fields.RESTRICT
    )
    to_union_id: int
    status = fields.CharEnumField(ReviewStatus, max_length=10, default=ReviewStatus.PENDING)
    # The member's own reason for moving; kept as written whatever the review decides.
    reason = fields.CharField(max_length=500, null=True)
    # The reviewer's reason for a rejection; null otherwise.
    review_reason = fields.CharField(max_length=500, null=True)
    reviewed_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "identity.Member", related_name="reviewed_transfers", null=True,
        on_delete=fields.SET_NULL,
    )
    reviewed_by_id: int | None
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
    member_id: int
    family = fields.CharField(max_length=32, db_index=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # The pair this token was exchanged for, encrypted: a second use within the grace window
    # (two app tabs refreshing at once) gets the same pair instead of revoking the family.
    successor_enc = fields.TextField(null=True)
    # The member's `sessions_epoch` when the session began (None: begun before it was kept);
    # a refresh is refused once the member's has moved on.
    sessions_epoch = fields.IntField(null=True)
    # When the session's sign-in was (copied at each rotation; None: stored before it was
    # kept, the family's first token tells): no refresh past UNIONHUB_SESSION_MAX_AGE_SECONDS.
    session_started_at = fields.DatetimeField(null=True)

    class Meta:
        table = "refresh_tokens"
        # revoked_at: the revocation list's database fallback; expires_at: identity.retention.
        indexes = (Index(fields=("revoked_at",)), Index(fields=("expires_at",), name="refresh_tokens_expires_at"))


class AuditLog(Model):
    # Append-only: the application only ever inserts (identity.audit). `detail` holds ids and
    # codes, never personal data. `seq` and `hash` chain every row to the one before it
    # (identity.audit_chain); rows past the retention move to AuditLogArchive.

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor_id = fields.BigIntField(null=True, db_index=True)
    action = fields.CharField(max_length=64, db_index=True)
    subject_type = fields.CharField(max_length=32)
    subject_id = fields.CharField(max_length=64)
    trace_id = fields.CharField(max_length=32, null=True)
    detail: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    # The union the event concerns (the subject member's union at the time), for auditLog's
    # union filter; null when none applies.
    union_id = fields.BigIntField(null=True, db_index=True)
    seq = fields.BigIntField(null=True, unique=True)  # the row's place in the chain
    hash = fields.CharField(max_length=80, null=True)  # "<algorithm>:<hex>" over prev hash + row

    class Meta:
        table = "audit_log"
        indexes = (Index(fields=("subject_type", "subject_id")),)



class SmsCode(Model):
    # A one-time code sent to a phone (identity/sms_codes.py), a keyed hash of it only. Rows,
    # not Redis keys: a Redis flush must not give five fresh guesses at every live code.

    id = fields.BigIntField(primary_key=True)
    phone_bidx = fields.CharField(max_length=64)
    purpose = fields.CharEnumField(SmsPurpose, max_length=16)
    code_hash = fields.CharField(max_length=64)
    attempts = fields.IntField(default=0)
    expires_at = fields.DatetimeField()
    consumed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "sms_codes"
        indexes = (Index(fields=("phone_bidx", "purpose", "id")),
                   Index(fields=("expires_at",), name="sms_codes_expires_at"))
        constraints = (CheckConstraint(check="attempts >= 0", name="sms_code_attempts"),)


class SmsSendWindow(Model):
    # One row per phone: last send, today's count (Shanghai); conditional UPDATEs claim it.

    id = fields.BigIntField(primary_key=True)
    phone_bidx = fields.CharField(max_length=64, unique=True)
    last_sent_at = fields.DatetimeField()
    day = fields.CharField(max_length=10)  # YYYY-MM-DD in Asia/Shanghai
    day_count = fields.IntField(default=0)

    class Meta:
        table = "sms_send_windows"
        indexes = (Index(fields=("last_sent_at",), name="sms_send_windows_last_sent_at"),)
        constraints = (CheckConstraint(check="day_count >= 0", name="sms_window_day_count"),)


class SmsCheckDecoy(Model):
    # Written by an SMS code check finding no live code, as a live code's try writes its row
    # (sms_codes.py `_spend_decoy`): timing must not tell that a phone was sent a code.

    id = fields.IntField(primary_key=True, generated=False)
    flips = fields.IntField(default=0)

    class Meta:
        table = "sms_check_decoys"


class SandboxSms(Model):
    # What the sandbox SMS provider "sent" (development and tests only; production refuses
    # the sandbox). In the database so `unionhub sandbox sms PHONE`, a separate process, reads
    # it in the embedded mode too. The code is encrypted like any personal data.

    id = fields.BigIntField(primary_key=True)
    phone_bidx = fields.CharField(max_length=64, db_index=True)
    purpose = fields.CharEnumField(SmsPurpose, max_length=16)
    code_enc = fields.TextField()
    sent_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "sandbox_sms"


class IdentityConflict(Model):
    # A verified name/ID-number pair already bound to another account (identity/verification.py):
    # the member was told only "not verified, contact your union"; their union's cadres see it.

    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "identity.Member", related_name="identity_conflicts", on_delete=fields.CASCADE
    )
    member_id: int
    holder_member_id = fields.BigIntField()  # the account the number is bound to
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "identity_conflicts"
        indexes = (Index(fields=("member_id", "id")),)


class AuditChainHead(Model):
    # One row (id 1): the chain's last seq and hash, updated in the transaction (or statement)
    # of every append, so appends from every process serialize on its row lock. The archived_*
    # columns are the last row moved to audit_log_archive: where the live table's chain starts.

    id = fields.IntField(primary_key=True)
    seq = fields.BigIntField(default=0)
    hash = fields.CharField(max_length=80, default="")
    archived_seq = fields.BigIntField(default=0)
    archived_hash = fields.CharField(max_length=80, default="")

    class Meta:
        table = "audit_chain_head"


class AuditLogArchive(Model):
    # Audit rows past the retention, moved here whole (same ids, seq and hash) so the chain
    # still verifies from its first row; never deleted by the application.

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField()
    actor_id = fields.BigIntField(null=True)
    action = fields.CharField(max_length=64)
    subject_type = fields.CharField(max_length=32)
    subject_id = fields.CharField(max_length=64)
    trace_id = fields.CharField(max_length=32, null=True)
    detail: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    union_id = fields.BigIntField(null=True)
    seq = fields.BigIntField(unique=True)
    hash = fields.CharField(max_length=80)
    archived_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "audit_log_archive"


class KeyRotation(Model):
    # One run of `unionhub keys rotate` towards `target_key_id`. At most one is RUNNING (a
    # partial unique index); its runner reports through `heartbeat_at`, and `cursors` holds
    # the last id done per table, so a killed run resumes where it stopped.

    id = fields.BigIntField(primary_key=True)
    target_key_id = fields.CharField(max_length=8)
    status = fields.CharField(max_length=10, default="RUNNING")  # RUNNING, DONE
    holder = fields.CharField(max_length=64)
    cursors: fields.JSONField[dict[str, int]] = fields.JSONField(default=dict)
    rows_rotated = fields.BigIntField(default=0)
    started_at = fields.DatetimeField(auto_now_add=True)
    heartbeat_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "key_rotations"


class MembershipExit(Model):
    # 退会: a member left (or was removed from) a union. Rows are never deleted: the history.
    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "identity.Member", related_name="exits", on_delete=fields.CASCADE
    )
    member_id: int
    union: fields.ForeignKeyRelation[Union] = fields.ForeignKeyField(
        "identity.Union", related_name="exits", on_delete=fields.RESTRICT
    )
    union_id: int
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
    card_numbers: fields.JSONField[list[str]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    attempts = fields.IntField(default=0)

    class Meta:
        table = "identity_pending_cache_invalidations"
