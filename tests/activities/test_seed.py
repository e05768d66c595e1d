"""The demo data: an active walking challenge with a month of steps, a quiz and an event."""

from __future__ import annotations

from tests.activities.helpers import BOARD
from tests.factories import Factory
from unionhub.activities.seed import seed_demo
from unionhub.identity import seed as identity_seed
from unionhub.identity.models import Member
from unionhub.identity.roster import member_id_by_phone

LIST = """query { activities(first: 20) { edges { node { id name kind status enrolledCount
  myEnrollment { stepDays totalCountedSteps } myRank { rank score } } } } }"""


async def test_demo_activities(gql):
    tree = await identity_seed.seed_demo(members=60)
    await seed_demo(tree)
    member = await Member.get(id=await member_id_by_phone("13900000002"))
    result = await gql(LIST, token=Factory.token_for(member))
    assert result.errors == []
    nodes = {n["node"]["kind"]: n["node"] for n in result.data["activities"]["edges"]}
    assert set(nodes) == {"WALKING", "QUIZ", "EVENT", "BENEFIT_DRAW"}
    walk = nodes["WALKING"]
    assert walk["status"] == "OPEN" and walk["enrolledCount"] == 64  # 4 demo + 60 synthetic
    assert 20 <= walk["myEnrollment"]["stepDays"] <= 30
    assert walk["myRank"]["rank"] >= 1
    board = await gql(BOARD, {"id": walk["id"], "by": "UNION", "first": 10},
                      token=Factory.token_for(member))
    assert len(board.data["leaderboard"]) == len(tree.all_grassroots)
    assert nodes["EVENT"]["status"] == "UPCOMING"
