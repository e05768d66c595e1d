"""Voucher campaigns (消费券活动) and vouchers: creation, claiming, granting, expiry.

Every limit is enforced where two requests cannot both pass it: the budget by a conditional
UPDATE of the campaign's `issued_count` (and a CHECK), the per-member limit by the unique
(campaign, member, seq) key, seq running 1..per_member_limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.db import is_postgres
from unionhub.errors import Conflict, NotFound, ValidationFailed
from unionhub.identity import audit
from unionhub.identity.access import Principal, require_scope
from unionhub.identity.lookup import get_record, verified_member_ids
from unionhub.identity.orgs import get_union
from unionhub.mall.models import CampaignKind, Category, Voucher, VoucherCampaign, VoucherStatus
from unionhub.observability import metrics

MAX_VALID_DAYS = 366
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
    if spec.face_value_fen <= 0:
        raise bad("face value must be positive", "faceValueFen", "FACE_VALUE_NOT_POSITIVE")
    if spec.threshold_fen < 0:
        raise bad("threshold cannot be negative", "thresholdFen", "THRESHOLD_NEGATIVE")
    if spec.threshold_fen and spec.threshold_fen <= spec.face_value_fen:
        # 满100减20: the threshold is above the face value, or there is none.
        raise bad("the threshold must exceed the face value", "thresholdFen",
                  "THRESHOLD_BELOW_FACE_VALUE")
    if spec.budget_fen < spec.face_value_fen:
        raise bad("the budget must cover at least one voucher", "budgetFen", "BUDGET_TOO_SMALL")
    if spec.per_member_limit < 1 or spec.per_member_limit > 100:
        raise bad("per-member limit must be 1–100", "perMemberLimit", "LIMIT_OUT_OF_RANGE")
    if spec.claim_ends_at <= spec.claim_starts_at:
        raise bad("the claim window ends before it starts", "claimEndsAt", "WINDOW_INVERTED")
    if (spec.valid_until is None) == (spec.valid_days is None):
        raise bad("give exactly one of validUntil and validDays", "validUntil",
                  "VALIDITY_REQUIRED")
    if spec.valid_until is not None and spec.valid_until <= spec.claim_starts_at:
        raise bad("vouchers must stay valid after the claim window opens", "validUntil",
                  "VALIDITY_BEFORE_CLAIM")
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


async def _campaign(campaign_id: int) -> VoucherCampaign:
    campaign = await VoucherCampaign.get_or_none(id=campaign_id)
    if campaign is None:
        raise NotFound("campaign not found", field="campaignId")
    return campaign


async def claim_voucher(member_id: int, campaign_id: int) -> Voucher:
    """A verified member in the campaign's scope claims one voucher while budget and their
    per-member limit last."""
    campaign = await _campaign(campaign_id)
    record = await get_record(member_id)
    if record is None or not record.is_verified_member:
        raise Conflict("verify your identity and join a union first", code="NOT_VERIFIED")
    if campaign.kind != CampaignKind.CLAIM:
        raise Conflict("vouchers of this campaign are granted, not claimed", field="campaignId",
                       code="NOT_CLAIMABLE")
    if not record.union_path.startswith(campaign.org_path):
        raise Conflict("this campaign is not open to your union", field="campaignId",
                       code="NOT_IN_SCOPE")
    now = utcnow()
    if not campaign.claim_starts_at <= now < campaign.claim_ends_at:
        raise Conflict("the claim window is closed", field="campaignId",
                       code="CLAIM_WINDOW_CLOSED")
    valid_until = voucher_valid_until(campaign, now)
    if valid_until <= now:
        raise Conflict("this campaign's vouchers have expired", field="campaignId",
                       code="CAMPAIGN_EXPIRED")
    # A concurrent claim by the same member may take the seq we chose: try the next one.
    for _ in range(campaign.per_member_limit + 1):
        try:
            async with in_transaction():
                held = await Voucher.filter(campaign_id=campaign.id, member_id=member_id).count()
                if held >= campaign.per_member_limit:
                    raise Conflict("you hold as many vouchers of this campaign as allowed",
                                   field="campaignId", code="PER_MEMBER_LIMIT")
                taken = await VoucherCampaign.filter(
                    id=campaign.id, issued_count__lt=F("max_vouchers")
                ).update(issued_count=F("issued_count") + 1)
                if not taken:
                    raise Conflict("this campaign's budget is used up", field="campaignId",
                                   code="BUDGET_EXHAUSTED")
                voucher = await Voucher.create(campaign_id=campaign.id, member_id=member_id,
                                               seq=held + 1, issued_at=now,
                                               valid_until=valid_until)
            metrics.VOUCHERS_CLAIMED.add(1)
            return voucher
        except IntegrityError:
            continue
    raise Conflict("too many simultaneous claims; try again", field="campaignId",
                   code="CLAIM_CONTENDED")


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
        campaign = await VoucherCampaign.filter(id=campaign_id).select_for_update().first()
        room = campaign.max_vouchers - campaign.issued_count
        if room <= 0:
            return 0, True
        ids = await verified_member_ids(campaign.org_path, campaign.grant_cursor, batch_size)
        if not ids:
            await VoucherCampaign.filter(id=campaign_id).update(grant_done=True)
            return 0, True
        held = set(await Voucher.filter(campaign_id=campaign_id, member_id__in=ids, seq=1)
                   .values_list("member_id", flat=True))
        fresh = [i for i in ids if i not in held][:room]
        await _insert_vouchers(tx, campaign_id, fresh, now, voucher_valid_until(campaign, now))
        # Past the last member considered: when the budget cut the batch, stop there.
        cursor = fresh[-1] if len(fresh) == room and fresh else ids[-1]
        finished = len(fresh) == room
        await VoucherCampaign.filter(id=campaign_id).update(
            issued_count=F("issued_count") + len(fresh), grant_cursor=cursor,
            grant_done=finished)
        return len(fresh), finished


async def _insert_vouchers(tx, campaign_id: int, member_ids: list[int], now: datetime,
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
    campaign = await _campaign(campaign_id)
    require_scope(principal, campaign.org_path)
    if campaign.kind != CampaignKind.GRANT:
        raise Conflict("only GRANT campaigns are granted", field="campaignId",
                       code="NOT_A_GRANT_CAMPAIGN")
    if utcnow() >= campaign.claim_ends_at:
        raise Conflict("the campaign's window is over", field="campaignId",
                       code="CLAIM_WINDOW_CLOSED")
    await VoucherCampaign.filter(id=campaign_id).update(grant_requested=True)
    progress = await continue_grant(campaign_id, time_budget_s=time_budget_s,
                                    batch_size=batch_size)
    await audit.record("mall.campaign.grant", actor_id=principal.member_id,
                       subject_type="voucher_campaign", subject_id=campaign_id,
                       detail={"granted": progress.granted, "done": progress.done})
    return progress


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
    pending = await VoucherCampaign.filter(grant_requested=True, grant_done=False,
                                           kind=CampaignKind.GRANT).values_list("id", flat=True)
    for campaign_id in pending:
        total += (await continue_grant(campaign_id)).granted
    return total


def open_campaigns(union_path: str | None, now: datetime | None = None) -> QuerySet:
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
