"""unionRanking's per-process cache (services.scorecards): figures at most
RANKING_CACHE_TTL_SECONDS old, the scope checked on every request, never one principal's
cached ranking answered to another who may not read it."""

from __future__ import annotations

import asyncio

from tests.services.helpers import make_item, principal
from unionhub.clock import today_shanghai
from unionhub.services import requests, scorecards

RANKING = """query R($u: ID!, $p: String!) { unionRanking(parentId: $u, period: $p) {
  union { id } requestsReceived } }"""


def _received(r) -> dict[str, int]:
    assert r.errors == [], r.errors
    return {c["union"]["id"]: c["requestsReceived"] for c in r.data["unionRanking"]}


async def test_a_ranking_lags_writes_by_at_most_the_ttl(gql, factory, monkeypatch):
    tree = await factory.tree()
    county = tree.counties["A"]
    cadre = await factory.cadre(county)
    city = await factory.cadre(tree.cities["xian"])
    member = await factory.account(tree.grassroots["A"][0])
    item = await make_item(cadre, county)
    v = {"u": str(tree.cities["xian"].id), "p": today_shanghai().strftime("%Y-%m")}
    before = _received(await gql(RANKING, v, token=city.token))
    assert before[str(county.id)] == 0

    monkeypatch.setattr(scorecards.rankings, "ttl", 0.5)
    scorecards.forget_rankings()
    assert _received(await gql(RANKING, v, token=city.token)) == before  # cached from here
    await requests.submit(principal(member), item.id, "事项")
    # Within the TTL the ranking may lag the write (the lag the field's description states)...
    assert _received(await gql(RANKING, v, token=city.token)) == before
    await asyncio.sleep(0.6)
    # ...and no longer: past it the figures are read again.
    assert _received(await gql(RANKING, v, token=city.token))[str(county.id)] == 1
    # The same in another period is its own entry, read from the database.
    other = {**v, "p": "2020-01"}
    assert _received(await gql(RANKING, other, token=city.token))[str(county.id)] == 0


async def test_the_scope_is_checked_on_every_request(gql, factory):
    tree = await factory.tree()
    province = await factory.cadre(tree.province)
    xian = await factory.cadre(tree.cities["xian"])
    county = await factory.cadre(tree.counties["A"])
    baoji = tree.cities["baoji"]
    period = today_shanghai().strftime("%Y-%m")
    for parent in (tree.province, tree.cities["xian"]):
        v = {"u": str(parent.id), "p": period}
        assert (await gql(RANKING, v, token=province.token)).errors == []  # now cached
        # A cadre below the parent is refused, cached or not, and learns nothing of it.
        denied = await gql(RANKING, v, token=county.token)
        assert denied.error_codes() == ["FORBIDDEN"] and not denied.data
    # Sideways too: Xi'an's cadre may not read another city's ranking that the province
    # cadre's request cached.
    v = {"u": str(baoji.id), "p": period}
    assert (await gql(RANKING, v, token=province.token)).errors == []
    assert (await gql(RANKING, v, token=xian.token)).error_codes() == ["FORBIDDEN"]
    # A bad period is refused even when that parent's ranking is cached for a good one.
    bad = await gql(RANKING, {"u": str(tree.province.id), "p": "2026-13"}, token=province.token)
    assert bad.errors[0]["extensions"]["reason"] == "BAD_PERIOD"


async def test_the_cache_is_bounded(gql, factory, monkeypatch):
    tree = await factory.tree()
    province = await factory.cadre(tree.province)
    monkeypatch.setattr(scorecards.rankings, "max_rows", 3)
    for month in range(1, 7):
        r = await gql(RANKING, {"u": str(tree.province.id), "p": f"2025-{month:02d}"},
                      token=province.token)
        assert r.errors == []
    assert len(scorecards.rankings) <= 3
    assert (tree.province.id, "2025-06") in scorecards.rankings  # the newest stays
