"""Claiming a voucher (领券), built for the rush when a city releases a campaign.

Every claim must take one unit of the campaign's budget, so every claim writes the campaign
row, and a claim holds that row's lock until its COMMIT is durable: measured on PostgreSQL
(bench/claim_rush.py) one claim per transaction allowed ~70 claims/s, the lock's holder
waiting on its WAL flush while everyone else waited on the lock. So claims are
**group-committed**: the claims for one campaign that arrive while its previous batch is being
written form the next batch, and a batch is ONE transaction (lock the campaign row, read the
claimants' holdings, insert their vouchers, raise `issued_count` by what was inserted, one
COMMIT). The rules are the database's as before: `issued_count` only rises by a conditional
update within `max_vouchers` (and a CHECK), and the unique (campaign, member, seq) key keeps
the per-member limit, seq running 1..per_member_limit. A claim checked inside the claim
window is issued by a batch up to CLAIM_GRACE after the window's end, never later.

A campaign's budget never comes back (vouchers are not returned to it), so once a batch has
found it spent the process answers BUDGET_EXHAUSTED without the database; that memory is
per process and always true. Campaign terms (never edited after creation) are cached per
process for a few seconds.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.db import is_postgres
from unionhub.errors import AccessDenied, Conflict, NotFound
from unionhub.identity.lookup import MemberRecord, get_record
from unionhub.mall import sql
from unionhub.mall.campaigns import voucher_valid_until
from unionhub.mall.models import CampaignKind, Voucher, VoucherCampaign, VoucherStatus
from unionhub.observability import metrics

BATCH_MAX = 64
# A claim checked inside the claim window is issued by a batch that may run after its end
# (queued behind a rush's batches): the member clicked in time, so it is honoured, but only
# this long after the end; a batch later than that refuses its claims (CLAIM_WINDOW_CLOSED).
CLAIM_GRACE = timedelta(seconds=5)
TERMS_TTL_SECONDS = 5.0
_RETRY = object()  # the claim lost a race for its seq to another process: try again

_terms: dict[int, tuple[float, VoucherCampaign]] = {}
_spent: set[int] = set()  # campaigns this process has seen exhausted (final)


def _budget_exhausted() -> Conflict:
    return Conflict("this campaign's budget is used up", field="campaignId",
                    code="BUDGET_EXHAUSTED")


def _not_found() -> NotFound:
    return NotFound("campaign not found", field="campaignId")


def _out_of_scope(holds_one: bool) -> Exception:
    """A campaign out of the member's scope is shown to them by no list, so it is answered as
    a missing one: its id must not tell a member of another union that it exists. NOT_IN_SCOPE
    only to a member holding one of its vouchers (myVouchers shows them the campaign): one who
    left or moved since, or a holding-pool worker whose union changed."""
    if holds_one:
        return Conflict("this campaign is not open to your union", field="campaignId",
                        code="NOT_IN_SCOPE")
    return _not_found()


def _window_closed() -> Conflict:
    return Conflict("the claim window is closed", field="campaignId", code="CLAIM_WINDOW_CLOSED")


def _limit_reached() -> Conflict:
    return Conflict("you hold as many vouchers of this campaign as allowed",
                    field="campaignId", code="PER_MEMBER_LIMIT")


async def _campaign_terms(campaign_id: int) -> VoucherCampaign:
    cached = _terms.get(campaign_id)
    if cached is not None and time.monotonic() - cached[0] < TERMS_TTL_SECONDS:
        return cached[1]
    campaign = await VoucherCampaign.get_or_none(id=campaign_id)
    if campaign is None:
        raise _not_found()
    _terms[campaign_id] = (time.monotonic(), campaign)
    if campaign.issued_count >= campaign.max_vouchers:
        _spent.add(campaign_id)
    return campaign


def require_claimant(record: MemberRecord | None) -> None:
    """The gate before a claim, answered as the VERIFIED tier check is (a top-level
    FORBIDDEN with reason NOT_VERIFIED): a verified member with an active card, or a verified
    worker in the holding pool (its online benefits)."""
    if record is None or not record.holds_online_benefits:
        raise AccessDenied("verify your identity and join a union first", code="NOT_VERIFIED")


async def claim_voucher(member_id: int, campaign_id: int,
                        record: MemberRecord | None = None) -> Voucher:
    """A verified member (or a verified worker in the holding pool) in the campaign's scope
    claims one voucher while budget and their per-member limit last. `record`: the member's
    record when the caller has it already."""
    if record is None or record.id != member_id:
        record = await get_record(member_id)
    # Holding-pool workers claim too (their pool's online benefits): the scope check below
    # then admits the campaigns of the pool's ancestors (the province) and of the pool.
    # Checked before the campaign is read, and the scope before anything else about it: what
    # a member learns of a campaign outside their scope is what a missing id tells.
    if record is None or not record.holds_online_benefits:
        raise Conflict("verify your identity and join a union first", code="NOT_VERIFIED")
    campaign = await _campaign_terms(campaign_id)
    if not record.union_path.startswith(campaign.org_path):
        raise _out_of_scope(await Voucher.filter(campaign_id=campaign.id,
                                                 member_id=member_id).exists())
    if campaign.kind != CampaignKind.CLAIM:
        raise Conflict("vouchers of this campaign are granted, not claimed", field="campaignId",
                       code="NOT_CLAIMABLE")
    now = utcnow()
    if not campaign.claim_starts_at <= now < campaign.claim_ends_at:
        raise _window_closed()
    if voucher_valid_until(campaign, now) <= now:
        raise Conflict("this campaign's vouchers have expired", field="campaignId",
                       code="CAMPAIGN_EXPIRED")
    for _ in range(campaign.per_member_limit + 1):
        if campaign.id in _spent:
            raise _budget_exhausted()
        outcome = await _batcher(campaign).submit(member_id)
        if isinstance(outcome, Exception):
            raise outcome
        if isinstance(outcome, Voucher):
            metrics.VOUCHERS_CLAIMED.add(1)
            return outcome
    raise Conflict("too many simultaneous claims; try again", field="campaignId",
                   code="CLAIM_CONTENDED")


@dataclass
class _Batcher:
    """The claims waiting for one campaign's next batch, and whether a batch is running."""
    campaign: VoucherCampaign
    waiting: list[tuple[int, asyncio.Future[object]]] = field(default_factory=list)
    running: bool = False
    task: asyncio.Task[None] | None = None  # held here so the running batch is not collected

    def submit(self, member_id: int) -> asyncio.Future[object]:
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((member_id, future))
        if not self.running:
            self.running = True
            self.task = asyncio.create_task(self._drain())
        return future

    async def _drain(self) -> None:
        try:
            while self.waiting:
                batch, self.waiting = self.waiting[:BATCH_MAX], self.waiting[BATCH_MAX:]
                try:
                    outcomes = await _claim_batch(self.campaign, [m for m, _ in batch])
                except Exception as error:  # the batch's transaction failed: so do its claims
                    outcomes = [error] * len(batch)
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    if not future.done():
                        future.set_result(outcome)
        finally:
            self.running = False
            _batchers.pop(self.campaign.id, None)


_batchers: dict[int, _Batcher] = {}


def _batcher(campaign: VoucherCampaign) -> _Batcher:
    batcher = _batchers.get(campaign.id)
    if batcher is None:
        batcher = _batchers[campaign.id] = _Batcher(campaign)
    return batcher


async def _claim_batch(campaign: VoucherCampaign, member_ids: list[int]) -> list[object]:
    """One transaction for a batch of claims; an outcome per claim, in order: a Voucher, a
    Conflict, or _RETRY."""
    outcomes: list[object] = [None] * len(member_ids)
    async with in_transaction():
        # The campaign row first (locked on PostgreSQL): batches of several processes queue
        # here, and the room read below stays true until COMMIT.
        locked = await VoucherCampaign.filter(id=campaign.id).select_for_update().get()
        now = utcnow()  # once the row is ours: the time the vouchers are issued
        if now >= campaign.claim_ends_at + CLAIM_GRACE:
            return [_window_closed() for _ in member_ids]
        valid_until = voucher_valid_until(campaign, now)
        room = locked.max_vouchers - locked.issued_count
        unions = await _current_unions(member_ids)
        held = await _holdings(campaign.id, member_ids)
        wanted: list[tuple[int, int, int]] = []  # (position, member, seq)
        for position, member_id in enumerate(member_ids):
            seq = held.get(member_id, 0) + 1
            if not unions.get(member_id, "\0").startswith(campaign.org_path):
                # left the union since the claim's check
                outcomes[position] = _out_of_scope(held.get(member_id, 0) > 0)
            elif seq > campaign.per_member_limit:
                outcomes[position] = _limit_reached()
            elif len(wanted) >= room:
                outcomes[position] = _budget_exhausted()
            else:
                held[member_id] = seq
                wanted.append((position, member_id, seq))
        inserted = await _insert(campaign.id, wanted, now, valid_until)
        if inserted:
            taken = await sql.rows(
                "UPDATE mall_voucher_campaigns SET issued_count = issued_count + ?"
                " WHERE id = ? AND issued_count + ? <= max_vouchers RETURNING issued_count",
                [len(inserted), campaign.id, len(inserted)])
            if not taken:  # not on PostgreSQL (the row is locked); SQLite's writer took turns
                raise Conflict("too many simultaneous claims; try again", field="campaignId",
                               code="CLAIM_CONTENDED")
        for position, member_id, seq in wanted:
            voucher_id = inserted.get((member_id, seq))
            outcomes[position] = _RETRY if voucher_id is None else Voucher(
                id=voucher_id, campaign_id=campaign.id, member_id=member_id, seq=seq,
                status=VoucherStatus.AVAILABLE, issued_at=now, valid_until=valid_until)
    if len(inserted) >= room:
        _spent.add(campaign.id)
    return outcomes


def forget_campaigns() -> None:
    """Drop what this process remembers of campaigns (tests empty the tables, and ids start
    again)."""
    _terms.clear()
    _spent.clear()


async def _current_unions(member_ids: list[int]) -> dict[int, str]:
    """The claimants' unions' paths now (open accounts only), their member rows held FOR
    SHARE on PostgreSQL until the batch commits. The claim's check ran on the cached record
    before the batch; a leaveUnion or closeAccount (which lock the row FOR UPDATE and withdraw
    vouchers in their transaction) either committed first, and is seen here, or waits for
    this batch and then withdraws what it issued."""
    unique = sorted(set(member_ids))
    lock = " FOR SHARE OF m" if is_postgres() else ""  # SQLite: one writer at a time
    found = await sql.rows(
        "SELECT m.id, u.path FROM members m JOIN unions u ON u.id = m.union_id"  # noqa: S608
        f" WHERE m.closed_at IS NULL AND m.id IN ({sql.marks(len(unique))}) ORDER BY m.id{lock}",
        unique)
    return {r["id"]: r["path"] for r in found}


async def _holdings(campaign_id: int, member_ids: list[int]) -> dict[int, int]:
    unique = sorted(set(member_ids))
    found = await sql.rows(
        "SELECT member_id, count(*) AS n FROM mall_vouchers WHERE campaign_id = ?"  # noqa: S608
        f" AND member_id IN ({sql.marks(len(unique))}) GROUP BY member_id",
        [campaign_id, *unique])
    return {r["member_id"]: r["n"] for r in found}


async def _insert(campaign_id: int, wanted: list[tuple[int, int, int]], now: datetime,
                  valid_until: datetime) -> dict[tuple[int, int], int]:
    """Insert the batch's vouchers; a (campaign, member, seq) another process took meanwhile
    is skipped (its claim retries). Returns (member, seq) → voucher id of the rows written."""
    if not wanted:
        return {}
    values = ", ".join("(?, ?, ?, 'AVAILABLE', ?, ?)" for _ in wanted)
    params: list[object] = []
    for _, member_id, seq in wanted:
        params += [campaign_id, member_id, seq, now, valid_until]
    rows = await sql.rows(
        "INSERT INTO mall_vouchers (campaign_id, member_id, seq, status, issued_at,"  # noqa: S608
        f" valid_until) VALUES {values} ON CONFLICT (campaign_id, member_id, seq) DO NOTHING"
        " RETURNING id, member_id, seq", params)
    return {(r["member_id"], r["seq"]): r["id"] for r in rows}
