"""Benefit draws: committed seed, reproducible winners, winners told on their enrolment."""

from __future__ import annotations

import hashlib

from tests.activities.helpers import DRAW, create, enroll
from unionhub.activities.models import Enrollment, EnrollmentStatus

SHOW = """query Show($id: ID!) { activity(id: $id) { draw { commitment seed drawnAt verified } } }"""
MINE = "query { me { activities { status won wonAt activity { name } } } }"


async def test_draw_is_reproducible_from_its_recorded_seed(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    draw = await create(gql, cadre, tree.counties["A"], "BENEFIT_DRAW", winnersCount=3,
                        name="普惠抽奖")
    commitment = draw["draw"]["commitment"]
    assert len(commitment) == 64 and draw["draw"]["seed"] is None
    members = [await factory.account(tree.grassroots["A"][i % 2]) for i in range(8)]
    for m in members:
        assert (await enroll(gql, m, draw["id"]))["errors"] == []
    before = await gql(SHOW, {"id": draw["id"]}, token=members[0].token)
    assert before.data["activity"]["draw"] == {"commitment": commitment, "seed": None,
                                                "drawnAt": None, "verified": None}

    assert (await gql(DRAW, {"id": draw["id"]}, token=members[0].token)).error_codes() == \
        ["FORBIDDEN"]
    outsider = await factory.cadre(tree.counties["B"])  # answered as a missing id would be
    refused = await gql(DRAW, {"id": draw["id"]}, token=outsider.token)
    assert refused.errors == [] and \
        [e["code"] for e in refused.data["runDraw"]["errors"]] == ["NOT_FOUND"]
    result = await gql(DRAW, {"id": draw["id"]}, token=cadre.token)
    assert result.errors == [] and result.data["runDraw"]["errors"] == []
    info = result.data["runDraw"]["activity"]["draw"]
    seed = info["seed"]
    # Anyone can check: the revealed seed is the committed one ...
    assert hashlib.sha256(seed.encode()).hexdigest() == commitment
    # ... the entrants are the enrolled members ...
    entrants = sorted(int(m.id) for m in members)
    assert info["entrantsDigest"] == hashlib.sha256(
        ",".join(map(str, entrants)).encode()).hexdigest()
    # ... and the winners follow from them by the published rule.
    expected = sorted(entrants, key=lambda m: hashlib.sha256(f"{seed}:{m}".encode()).hexdigest())[:3]
    assert sorted(int(w["id"]) for w in info["winners"]) == sorted(expected)
    assert info["verified"] is True

    # Winners learn it on their enrolment record; the others stay enrolled.
    for m in members:
        mine = (await gql(MINE, token=m.token)).data["me"]["activities"][0]
        assert mine["won"] is (int(m.id) in expected)
        assert mine["status"] == ("WON" if int(m.id) in expected else "ENROLLED")

    # Once only, and the draw closed enrolment.
    again = await gql(DRAW, {"id": draw["id"]}, token=cadre.token)
    assert again.data["runDraw"]["errors"][0]["code"] == "ALREADY_DRAWN"
    late = await factory.account(tree.grassroots["A"][0])
    assert (await enroll(gql, late, draw["id"]))["errors"][0]["code"] == "ENROLMENT_CLOSED"

    # Tampering with the result shows up in the recomputation.
    loser = next(int(m.id) for m in members if int(m.id) not in expected)
    await Enrollment.filter(member_id=loser).update(status=EnrollmentStatus.WON)
    check = await gql(SHOW, {"id": draw["id"]}, token=members[0].token)
    assert check.data["activity"]["draw"]["verified"] is False


async def test_fewer_entrants_than_prizes_all_win(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    draw = await create(gql, cadre, tree.counties["A"], "BENEFIT_DRAW", winnersCount=5)
    members = [await factory.account(tree.grassroots["A"][0]) for _ in range(2)]
    for m in members:
        await enroll(gql, m, draw["id"])
    result = await gql(DRAW, {"id": draw["id"]}, token=cadre.token)
    winners = result.data["runDraw"]["activity"]["draw"]["winners"]
    assert sorted(w["id"] for w in winners) == sorted(m.id for m in members)
    not_a_draw = await create(gql, cadre, tree.counties["A"], "EVENT")
    refused = await gql(DRAW, {"id": not_a_draw["id"]}, token=cadre.token)
    assert refused.data["runDraw"]["errors"][0]["code"] == "NOT_A_DRAW"


async def test_enrolments_racing_the_draw_are_either_entrants_or_refused(gql, factory):
    import asyncio

    from tests.activities.helpers import ENROLL
    from unionhub.activities.models import Activity

    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    draw = await create(gql, cadre, tree.counties["A"], "BENEFIT_DRAW", winnersCount=4)
    members = [await factory.account(tree.grassroots["A"][i % 2]) for i in range(16)]
    for m in members[:4]:
        await enroll(gql, m, draw["id"])
    calls = [gql(ENROLL, {"id": draw["id"]}, token=m.token) for m in members[4:]]
    calls.insert(6, gql(DRAW, {"id": draw["id"]}, token=cadre.token))
    results = await asyncio.gather(*calls)
    drawn = results[6].data["runDraw"]
    assert drawn["errors"] == []
    codes = {r.data["enroll"]["errors"][0]["code"] for i, r in enumerate(results)
             if i != 6 and r.data["enroll"]["errors"]}
    assert codes <= {"ENROLMENT_CLOSED"}
    row = await Activity.get(id=int(draw["id"]))
    assert row.enrolled_count == await Enrollment.filter(activity_id=row.id).count()
    check = await gql(SHOW, {"id": draw["id"]}, token=members[0].token)
    assert check.data["activity"]["draw"]["verified"] is True  # every enrolment was an entrant
