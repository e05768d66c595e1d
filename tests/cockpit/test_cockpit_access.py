"""Who may open a cockpit, and bad input: the scope decides, an unknown union is refused as an
out-of-scope one is, a bad period is BAD_PERIOD, and the cost limiter counts the sections."""

from __future__ import annotations

from unionhub.clock import today_shanghai

SMALL = """query C($u: ID!, $p: String!) { cockpit(unionId: $u, period: $p) {
  period membership { verifiedMembers } } }"""


def _month() -> str:
    return today_shanghai().strftime("%Y-%m")


async def test_scope_decides_and_refusals_reveal_nothing(gql, factory):
    tree = await factory.tree()
    county = await factory.cadre(tree.counties["A"])
    province = await factory.cadre(tree.province)
    member = await factory.account(tree.grassroots["A"][0])
    operator = await factory.operator()
    p = _month()

    ok = await gql(SMALL, {"u": str(tree.counties["A"].id), "p": p}, token=county.token)
    assert ok.errors == [] and ok.data["cockpit"]["period"] == p
    below = await gql(SMALL, {"u": str(tree.grassroots["A"][0].id), "p": p}, token=county.token)
    assert below.errors == []
    assert (await gql(SMALL, {"u": str(tree.province.id), "p": p},
                      token=province.token)).errors == []

    refusals = []
    for union_id in (str(tree.province.id), str(tree.counties["B"].id), "999999999", "x"):
        r = await gql(SMALL, {"u": union_id, "p": p}, token=county.token)
        assert r.error_codes() == ["FORBIDDEN"], (union_id, r.body)
        assert r.data is None or r.data.get("cockpit") is None
        refusals.append((r.errors[0]["message"], r.errors[0]["extensions"]))
    # The province, a sibling, an unknown id and a malformed one: one and the same refusal.
    assert len(set(map(repr, refusals))) == 1

    for token in (member.token, operator.token):
        r = await gql(SMALL, {"u": str(tree.counties["A"].id), "p": p}, token=token)
        assert r.error_codes() == ["FORBIDDEN"]
    guest = await gql(SMALL, {"u": str(tree.counties["A"].id), "p": p})
    assert guest.error_codes() == ["UNAUTHENTICATED"]


async def test_bad_periods(gql, factory):
    tree = await factory.tree()
    county = await factory.cadre(tree.counties["A"])
    for bad in ("2026-13", "2026-1", "26-01", "", "2026-06..2026-01", "2025-01..2026-01",
                "2026-01..", "1999-12", "2026-01...2026-02", "2026-01..2026-02..2026-03"):
        r = await gql(SMALL, {"u": str(tree.counties["A"].id), "p": bad}, token=county.token)
        assert r.error_codes() == ["BAD_USER_INPUT"], (bad, r.body)
        assert r.errors[0]["extensions"]["reason"] == "BAD_PERIOD"
    # A bad period is refused before the union is looked at: out of scope says the same.
    r = await gql(SMALL, {"u": str(tree.province.id), "p": "2026-13"}, token=county.token)
    assert r.errors[0]["extensions"]["reason"] == "BAD_PERIOD"
    for good, label in (("2026-02", "2026-02"), (" 2026-01..2026-12 ", "2026-01..2026-12"),
                        ("2026-03..2026-03", "2026-03")):
        r = await gql(SMALL, {"u": str(tree.counties["A"].id), "p": good}, token=county.token)
        assert r.errors == [] and r.data["cockpit"]["period"] == label


async def test_cost_counts_the_sections(gql, factory):
    tree = await factory.tree()
    province = await factory.cadre(tree.province)
    v = {"u": str(tree.province.id), "p": _month()}
    r = await gql(SMALL, v, token=province.token)
    # cockpit 10 + membership 5
    assert r.body["extensions"]["cost"] == 15
    trend = """query C($u: ID!, $p: String!) { cockpit(unionId: $u, period: $p) {
      trend(last: 12) { services { requestsReceived } mall { salesFen } } } }"""
    r = await gql(trend, v, token=province.token)
    assert r.errors == [] and len(r.data["cockpit"]["trend"]) == 12
    # cockpit 10 + trend 12 * (its 5 + services 5 + mall 5)
    assert r.body["extensions"]["cost"] == 190
    deep = """query C($u: ID!, $p: String!) { cockpit(unionId: $u, period: $p) {
      children { membership { verifiedMembers } services { requestsReceived }
        mall { salesFen } activities { enrolments } funds { allocatedFen }
        trend(last: 24) { membership { verifiedMembers } services { requestsReceived }
          mall { salesFen } activities { enrolments } } } } }"""
    r = await gql(deep, v, token=province.token)
    # 10 + children 10 * (5 + five sections 25 + trend 24 * (5 + 20)) = 6310: over 5000
    assert r.error_codes() == ["COST_LIMIT"] and r.errors[0]["extensions"]["cost"] == 6310
