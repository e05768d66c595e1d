"""A claim checked inside its campaign's claim window is issued by a batch that runs a little
later (mall/claims.py): the member clicked in time, so it is honoured, but only within
CLAIM_GRACE after the window's end; a batch held up longer refuses it (CLAIM_WINDOW_CLOSED)
and issues nothing. Shown by holding the campaign row's lock, as a rush's earlier batches
do, across the window's end (PostgreSQL: SQLite runs one writer at a time)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from tests.mall.conftest import claim, create_campaign, iso
from unionhub.db import is_postgres
from unionhub.mall.claims import CLAIM_GRACE
from unionhub.mall.models import Voucher, VoucherCampaign


async def _claim_held_until(gql, member, campaign_id: str, until: datetime) -> dict:
    """Claim while another transaction holds the campaign's row until `until`."""
    taken = asyncio.Event()

    async def hold() -> None:
        async with in_transaction():
            await VoucherCampaign.filter(id=int(campaign_id)).select_for_update().get()
            taken.set()
            await asyncio.sleep(max(0.0, (until - datetime.now(UTC)).total_seconds()))

    holder = asyncio.create_task(hold())
    await taken.wait()
    try:
        return await claim(gql, member, campaign_id)
    finally:
        await holder


async def test_a_claim_checked_in_time_is_honoured_within_the_grace_only(gql, factory):
    if not is_postgres():
        pytest.skip("SQLite runs one writer at a time: no batch waits on the row")
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    union = str(tree.counties["A"].id)
    late, held_up = (await factory.account(tree.grassroots["A"][0]),
                     await factory.account(tree.grassroots["A"][0]))
    end = datetime.now(UTC) + timedelta(seconds=1.5)
    campaign = await create_campaign(gql, cadre, union, claimEndsAt=iso(end))
    # Checked before the end, issued just after it: honoured.
    honoured = await _claim_held_until(gql, late, campaign["id"], end + timedelta(seconds=0.3))
    assert honoured["errors"] == [] and honoured["voucher"] is not None
    # Another campaign: checked before the end, its batch held past the grace: refused.
    end = datetime.now(UTC) + timedelta(seconds=1.5)
    other = await create_campaign(gql, cadre, union, claimEndsAt=iso(end), name="迟到的券")
    refused = await _claim_held_until(gql, held_up, other["id"],
                                      end + CLAIM_GRACE + timedelta(seconds=0.5))
    assert [e["code"] for e in refused["errors"]] == ["CLAIM_WINDOW_CLOSED"]
    assert not await Voucher.filter(campaign_id=int(other["id"])).exists()
    assert (await VoucherCampaign.get(id=int(other["id"]))).issued_count == 0
