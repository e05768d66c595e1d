"""The membership figures' summary (`identity.member_figures`): after a run, the figures the
cockpit and the scorecards read equal the direct COUNT queries (tests/identity/
member_counts_reference.py) for every month's end and for now, whatever happened to the
members (closed, transferred, verified without a card, card frozen or cancelled); a run
alongside writes and another run leaves them exact; and on PostgreSQL the read plans touch
the summary alone, never `members`."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from tests.identity.member_counts_reference import direct_active_cards, direct_member_counts
from unionhub import db
from unionhub.clock import SHANGHAI, utcnow
from unionhub.cockpit.period import parse_period
from unionhub.identity.member_figures import as_of, refresh
from unionhub.identity.models import CardStatus, Member, MemberCard
from unionhub.identity.seed import seed_members
from unionhub.identity.stats import member_counts, queue_counts


def _month_ends(n: int) -> list:
    """The starts (UTC) of this month and the n - 1 before it (Shanghai calendar)."""
    local = utcnow().astimezone(SHANGHAI)
    index = local.year * 12 + local.month - 1
    return [parse_period(f"{i // 12:04d}-{i % 12 + 1:02d}").start
            for i in range(index - n + 1, index + 1)]


async def _paths(tree) -> list[str]:
    unions = [tree.province, *tree.cities.values(), *tree.counties.values(),
              *tree.all_grassroots, tree.pool]
    return [u.path for u in unions]


async def _stir(tree) -> None:
    """Members closed, transferred, verified without a card, cards frozen and cancelled."""
    members = await Member.filter(union_id__in=[g.id for g in tree.all_grassroots]) \
        .order_by("id").limit(40)
    for i, m in enumerate(members):
        if i % 5 == 0:  # closed a few days after its verification
            closed = (m.verified_at or m.created_at) + timedelta(days=3)
            await Member.filter(id=m.id).update(closed_at=min(closed, utcnow()))
        elif i % 5 == 1:
            await MemberCard.filter(member_id=m.id).update(status=CardStatus.FROZEN)
        elif i % 5 == 2:
            await MemberCard.filter(member_id=m.id).update(status=CardStatus.CANCELLED)
        elif i % 5 == 3:  # transferred to another county's union
            await Member.filter(id=m.id).update(union_id=tree.grassroots["C"][0].id)
    await Member.filter(id=members[-1].id).update(verified_at=None)


async def _assert_exact(paths: list[str]) -> None:
    for cutoff in [*_month_ends(14), utcnow()]:
        got = await member_counts(paths, cutoff)
        summary = {p: (got[p].registered, got[p].verified) if p in got else (0, 0)
                   for p in paths}
        assert summary == await direct_member_counts(paths, cutoff), cutoff
    queues = await queue_counts(paths)
    assert {p: queues[p].active_cards for p in paths} == await direct_active_cards(paths)


async def test_the_summary_equals_the_direct_counts(factory):
    tree = await factory.tree()
    await seed_members(150, tree.all_grassroots)
    await factory.account(verified=False)
    await _stir(tree)
    paths = await _paths(tree)
    assert await as_of() is None
    assert (await member_counts(paths, utcnow())) == {}  # never counted yet
    ran = await refresh()
    assert await as_of() == ran
    await _assert_exact(paths)
    assert (await member_counts([tree.province.path], utcnow()))[tree.province.path].registered \
        > 100


async def test_figures_stand_as_of_the_run_until_the_next(factory):
    tree = await factory.tree()
    await seed_members(20, tree.all_grassroots)
    await refresh()
    path = tree.province.path
    before = (await member_counts([path], utcnow()))[path]
    await factory.account(tree.all_grassroots[0])  # verified, with an active card
    assert (await member_counts([path], utcnow()))[path] == before
    await refresh()
    after = (await member_counts([path], utcnow()))[path]
    assert (after.registered, after.verified) == (before.registered + 1, before.verified + 1)


async def test_runs_alongside_writes_and_each_other_stay_exact(factory):
    if not db.is_postgres():
        pytest.skip("PostgreSQL: concurrent transactions")
    tree = await factory.tree()
    await seed_members(120, tree.all_grassroots)
    await refresh()
    paths = await _paths(tree)
    province = tree.province.path

    async def read_during() -> None:
        for _ in range(20):  # a reader sees the last committed run, never a half-built one
            assert (await member_counts([province], utcnow()))[province].registered > 100
            await asyncio.sleep(0)

    await asyncio.gather(refresh(), refresh(), read_during(), _stir(tree))
    await refresh()
    await _assert_exact(paths)


async def test_the_reads_use_the_summary_not_members(factory):
    if not db.is_postgres():
        pytest.skip("PostgreSQL: EXPLAIN")
    tree = await factory.tree()
    await seed_members(50, tree.all_grassroots)
    await refresh()
    conn = db.conn()
    await conn.execute_query("SET enable_seqscan = off")  # plan as on a large table
    try:
        for sql, args in [
            ("SELECT SUM(f.registered), SUM(f.verified) FROM unions u JOIN member_figures f "
             "ON f.union_id = u.id AND f.month < $2 WHERE u.path = $1",
             [tree.province.path, "2026-12"]),
        ]:
            rows = await conn.execute_query_dict(f"EXPLAIN {sql}", args)
            plan = "\n".join(r["QUERY PLAN"] for r in rows)
            assert "members" not in plan.replace("member_figures", ""), plan
            assert "Index" in plan, plan
    finally:
        await conn.execute_query("RESET enable_seqscan")
