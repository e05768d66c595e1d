"""Voucher campaigns (消费券活动) and vouchers: creation, granting, expiry (claiming:
mall.claims).

Every limit is enforced where two requests cannot both pass it: the budget by a conditional
UPDATE of the campaign's `issued_count` (and a CHECK), the per-member limit by the unique
(campaign, member, seq) key, seq running 1..per_member_limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.db import is_postgres
from unionhub.errors import Conflict, NotFound, ValidationFailed
from unionhub.identity import audit
from unionhub.identity.access import Principal, path_in_scope, require_scope
from unionhub.identity.lookup import count_verified_members, verified_member_ids
from unionhub.identity.orgs import get_union
from unionhub.mall.models import CampaignKind, Category, Voucher, VoucherCampaign, VoucherStatus
from unionhub.observability import metrics
from unionhub.plaintext import check_plain

MAX_VALID_DAYS = 366
MAX_VOUCHERS = 10_000_000  # per campaign: a whole province twice over
GRANT_BATCH = 5000


@dataclass(frozen=True)
class CampaignSpec:
    org_id: int
    name: str
    kind: CampaignKind
    face_value_fen: int
    threshold_fen: int
    budget_fen: int
    per_member_limit: int
    claim_starts_at: datetime
    claim_ends_at: datetime
    valid_until: datetime | None = None
    valid_days: int | None = None
    certified_only: bool = True
    category_id: int | None = None


def _validate(spec: CampaignSpec) -> None:
    def bad(message: str, field: str, code: str) -> ValidationFailed:
        return ValidationFailed(message, field=field, code=code)

    if not 2 <= len(spec.name.strip()) <= 100:
        raise bad("name must be 2–100 characters", "name", "NAME_FORMAT")
    check_plain(spec.name.strip(), "name")
    if spec.face_value_fen <= 0:
        raise bad("face value must be positive", "faceValueFen", "FACE_VALUE_NOT_POSITIVE")
    if spec.threshold_fen < 0:
        raise bad("threshold cannot be negative", "thresholdFen", "THRESHOLD_NEGATIVE")
    if spec.threshold_fen and spec.threshold_fen < spec.face_value_fen:
        # 满100减20: the threshold is at least the face value, or there is none (无门槛).
        raise bad("the threshold must be at least the face value", "thresholdFen",
                  "THRESHOLD_BELOW_FACE_VALUE")
    if spec.budget_fen < spec.face_value_fen:
        raise bad("the budget must cover at least one voucher", "budgetFen", "BUDGET_TOO_SMALL")
    if spec.budget_fen % spec.face_value_fen:
        # Otherwise the remainder is budget no voucher can ever spend.
        raise bad("the budget must be a whole number of vouchers (a multiple of the face "
                  "value)", "budgetFen", "BUDGET_NOT_MULTIPLE_OF_FACE_VALUE")
    if spec.budget_fen // spec.face_value_fen > MAX_VOUCHERS:
        raise bad(f"a campaign issues at most {MAX_VOUCHERS} vouchers", "budgetFen",
                  "BUDGET_TOO_LARGE")
    if spec.per_member_limit < 1 or spec.per_member_limit > 100:
        raise bad("per-member limit must be 1–100", "perMemberLimit", "LIMIT_OUT_OF_RANGE")
    if spec.kind == CampaignKind.GRANT and spec.per_member_limit != 1:
        raise bad("a grant gives each member one voucher", "perMemberLimit",
                  "GRANT_LIMIT_IS_ONE")
    if spec.claim_ends_at <= spec.claim_starts_at:
        raise bad("the claim window ends before it starts", "claimEndsAt", "WINDOW_INVERTED")
    if spec.claim_ends_at <= utcnow():
        raise bad("the claim window is over already", "claimEndsAt", "CLAIM_WINDOW_OVER")
    if (spec.valid_until is None) == (spec.valid_days is None):
        raise bad("give exactly one of validUntil and validDays", "validUntil",
                  "VALIDITY_REQUIRED")
    if spec.valid_until is not None and spec.valid_until < spec.claim_ends_at:
        # A voucher claimed on the last day must still be usable.
        raise bad("the use window must not end before the claim window", "validUntil",
                  "VALIDITY_ENDS_BEFORE_CLAIM_WINDOW")
    if spec.valid_days is not None and not 1 <= spec.valid_days <= MAX_VALID_DAYS:
        raise bad(f"validDays must be 1–{MAX_VALID_DAYS}", "validDays", "VALID_DAYS_RANGE")


async def create_campaign(principal: Principal, spec: CampaignSpec) -> VoucherCampaign:
    """A cadre issues a campaign for their org's subtree (or any org inside it)."""
    _validate(spec)
    org = await get_union(spec.org_id)
    require_scope(principal, org.path)
    if spec.category_id is not None and not await Category.exists(id=spec.category_id):
        raise NotFound("category not found", field="categoryId")
    campaign = await VoucherCampaign.create(
        org_id=org.id, org_path=org.path, name=spec.name.strip(), kind=spec.kind,
        face_value_fen=spec.face_value_fen, threshold_fen=spec.threshold_fen,
        budget_fen=spec.budget_fen, max_vouchers=spec.budget_fen // spec.face_value_fen,
        per_member_limit=spec.per_member_limit, claim_starts_at=spec.claim_starts_at,
        claim_ends_at=spec.claim_ends_at, valid_until=spec.valid_until,
        valid_days=spec.valid_days, certified_only=spec.certified_only,
        category_id=spec.category_id, created_by_id=principal.member_id,
    )
    await audit.record("mall.campaign.create", actor_id=principal.member_id,
                       subject_type="voucher_campaign", subject_id=campaign.id,
                       detail={"budget_fen": spec.budget_fen, "kind": spec.kind.value})
    return campaign


def voucher_valid_until(campaign: VoucherCampaign, issued_at: datetime) -> datetime:
    if campaign.valid_until is not None:
        return campaign.valid_until
    return issued_at + timedelta(days=campaign.valid_days or 0)


def _not_found() -> NotFound:
    return NotFound("campaign not found", field="campaignId")


@dataclass
class GrantProgress:
    campaign: VoucherCampaign
    granted: int  # vouchers issued by this call
    done: bool  # every verified member in scope holds one, or the budget is used up


async def _grant_batch(campaign_id: int, batch_size: int) -> tuple[int, bool]:
    """One batch under the campaign row's lock: the cursor and the count move together, so
    two grant runs (a request and the worker) never issue a voucher twice."""
    now = utcnow()
    async with in_transaction() as tx:
        campaign = await VoucherCampaign.filter(id=campaign_id).select_for_update().get()
        room = campaign.max_vouchers - campaign.issued_count
        if room <= 0:
            return 0, True
        ids = await verified_member_ids(campaign.org_path, campaign.grant_cursor, batch_size)
        if not ids:
            await VoucherCampaign.filter(id=campaign_id).update(grant_done=True)
            return 0, True
        held = set(cast(list[int], await Voucher.filter(campaign_id=campaign_id, member_id__in=ids, seq=1)
                   .values_list("member_id", flat=True)))
        fresh = [i for i in ids if i not in held][:room]
        await _insert_vouchers(tx, campaign_id, fresh, now, voucher_valid_until(campaign, now))
        # Past the last member considered: when the budget cut the batch, stop there.
        cursor = fresh[-1] if len(fresh) == room and fresh else ids[-1]
        finished = len(fresh) == room
        await VoucherCampaign.filter(id=campaign_id).update(
            issued_count=F("issued_count") + len(fresh), grant_cursor=cursor,
            grant_done=finished)
        return len(fresh), finished


async def _insert_vouchers(tx: BaseDBAsyncClient, campaign_id: int, member_ids: list[int], now: datetime,
                           valid_until: datetime) -> None:
    if not member_ids:
        return
    if is_postgres():
        # One statement for the batch: the ids travel as a single array parameter.
        await tx.execute_query(
            "INSERT INTO mall_vouchers (campaign_id, member_id, seq, status, issued_at, valid_until)"
            " SELECT $1, unnest($2::bigint[]), 1, 'AVAILABLE', $3, $4",
            [campaign_id, member_ids, now, valid_until])
        return
    await Voucher.bulk_create([
        Voucher(campaign_id=campaign_id, member_id=i, seq=1, issued_at=now,
                valid_until=valid_until) for i in member_ids
    ])


async def grant_vouchers(principal: Principal, campaign_id: int, *, time_budget_s: float = 5.0,
                         batch_size: int = GRANT_BATCH) -> GrantProgress:
    """Issue a GRANT campaign to every verified member in scope, in batches, for at most
    `time_budget_s`; the worker (or another call) resumes from the stored cursor."""
    campaign = await VoucherCampaign.get_or_none(id=campaign_id)
    if campaign is None or not path_in_scope(principal, campaign.org_path):
        raise _not_found()  # out of scope reads as missing: no oracle of which ids exist
    if campaign.kind != CampaignKind.GRANT:
        raise Conflict("only GRANT campaigns are granted", field="campaignId",
                       code="NOT_A_GRANT_CAMPAIGN")
    if utcnow() >= campaign.claim_ends_at:
        raise Conflict("the campaign's window is over", field="campaignId",
                       code="CLAIM_WINDOW_CLOSED")
    if not campaign.grant_requested:
        await check_grant_covers_scope(campaign)
    await VoucherCampaign.filter(id=campaign_id).update(grant_requested=True)
    progress = await continue_grant(campaign_id, time_budget_s=time_budget_s,
                                    batch_size=batch_size)
    await audit.record("mall.campaign.grant", actor_id=principal.member_id,
                       subject_type="voucher_campaign", subject_id=campaign_id,
                       detail={"granted": progress.granted, "done": progress.done})
    return progress


async def check_grant_covers_scope(campaign: VoucherCampaign) -> None:
    """A grant starts only when its budget covers every verified member in scope: a grant
    that reached the first N by id and left the rest with nothing would be unfair and would
    report success. Refused before anything is issued (GRANT_BUDGET_SHORT, with the counts);
    members verified after the start may still find the budget spent (`done` then says so
    with `remainingVouchers` 0)."""
    members = await count_verified_members(campaign.org_path)
    room = campaign.max_vouchers - campaign.issued_count
    if members > room:
        raise Conflict(f"the budget covers {room} of the {members} verified members in scope: "
                       f"{members - room} would get nothing", field="campaignId",
                       code="GRANT_BUDGET_SHORT")


async def continue_grant(campaign_id: int, *, time_budget_s: float = 30.0,
                         batch_size: int = GRANT_BATCH) -> GrantProgress:
    deadline = time.monotonic() + time_budget_s
    granted, done = 0, False
    while not done:  # at least one batch per call, then as many as the time allows
        n, done = await _grant_batch(campaign_id, batch_size)
        granted += n
        if n:
            metrics.VOUCHERS_GRANTED.add(n)
        if time.monotonic() >= deadline:
            break
    return GrantProgress(campaign=await VoucherCampaign.get(id=campaign_id), granted=granted,
                         done=done)


async def continue_pending_grants() -> int:
    """Periodic: resume grants that were asked for and are not finished."""
    total = 0
    pending = cast(list[int], await VoucherCampaign.filter(
        grant_requested=True, grant_done=False, kind=CampaignKind.GRANT).values_list("id", flat=True))
    for campaign_id in pending:
        total += (await continue_grant(campaign_id)).granted
    return total


def open_campaigns(union_path: str | None, now: datetime | None = None) -> QuerySet[VoucherCampaign]:
    """Campaigns open to a member of the union at `union_path`: its scope holds the union and
    its claim window is open. Scopes are the ancestors' paths: "/1/", "/1/5/", ..."""
    now = now or utcnow()
    if not union_path:
        return VoucherCampaign.filter(id=-1)
    parts = [p for p in union_path.strip("/").split("/") if p]
    ancestors = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    return VoucherCampaign.filter(org_path__in=ancestors, claim_starts_at__lte=now,
                                  claim_ends_at__gt=now)


async def expire_vouchers() -> int:
    """Periodic: AVAILABLE vouchers past their validity become EXPIRED (a LOCKED one expires
    when its order is cancelled)."""
    return await Voucher.filter(status=VoucherStatus.AVAILABLE,
                                valid_until__lte=utcnow()).update(status=VoucherStatus.EXPIRED)
