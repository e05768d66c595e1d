"""A cadre reading a member's enrolments sees those of activities the cadre may see: a member
who moved in from another county brings enrolments in that county's activities, which read as
not found to this cadre everywhere else (as a member's service requests are filtered by the
viewer's scope)."""

from __future__ import annotations

from tests.activities.helpers import STEPS, create, day, enroll
from unionhub.identity import lookup
from unionhub.identity.models import Member

LIST = """query L($m: ID!) { member(id: $m) {
  activitiesConnection(first: 20) { totalCount edges { node { activity { id } totalCountedSteps } } }
  activities(first: 20) { activity { id } } } }"""
ACTIVITY = "query A($id: ID!) { activity(id: $id) { id name } }"


async def test_a_cadre_sees_only_enrolments_in_activities_in_view(gql, factory):
    tree = await factory.tree()
    cadre_a = await factory.cadre(tree.counties["A"])
    cadre_b = await factory.cadre(tree.counties["B"])
    theirs = await create(gql, cadre_b, tree.grassroots["B"][0], name="乙县健步走")
    ours = await create(gql, cadre_a, tree.counties["A"], name="甲县健步走")
    member = await factory.account(tree.grassroots["B"][0])
    assert (await enroll(gql, member, theirs["id"]))["errors"] == []
    r = await gql(STEPS, {"id": theirs["id"], "date": day(1), "steps": 9000}, token=member.token)
    assert r.data["submitSteps"]["errors"] == []
    # The member moves to county A and takes part there too.
    await Member.filter(id=member.member.id).update(union_id=tree.grassroots["A"][0].id)
    await lookup.invalidate_member(member.member.id)
    assert (await enroll(gql, member, ours["id"]))["errors"] == []

    assert (await gql(ACTIVITY, {"id": theirs["id"]}, token=cadre_a.token)).data["activity"] \
        is None  # outside county A's cadre's view
    seen = (await gql(LIST, {"m": member.id}, token=cadre_a.token)).data["member"]
    conn = seen["activitiesConnection"]
    assert [e["node"]["activity"]["id"] for e in conn["edges"]] == [ours["id"]]
    assert conn["totalCount"] == 1
    assert [e["activity"]["id"] for e in seen["activities"]] == [ours["id"]]
    # The member sees both, their own.
    own = (await gql(LIST, {"m": member.id}, token=member.token)).data["member"]
    assert sorted(e["node"]["activity"]["id"] for e in own["activitiesConnection"]["edges"]) \
        == sorted([ours["id"], theirs["id"]])
