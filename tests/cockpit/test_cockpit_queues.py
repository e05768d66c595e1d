"""The cockpit's queue figures (as they stand now) equal the lengths of the queues the API
lists: joinApplications, transfers, serviceRequests(overdue/escalated)."""

from __future__ import annotations

from datetime import timedelta

from tests.services.scorecard_fixture import _fixture
from unionhub.clock import utcnow
from unionhub.identity.models import JoinApplication, ReviewStatus, TransferRequest
from unionhub.services.models import ServiceRequest

QUEUES = """query Q($u: ID!, $p: String!) { cockpit(unionId: $u, period: $p) {
  membership { applicationsPending applicationsOverdue transfersPending activeCards }
  services { overdueNow escalated }
  children { union { id } membership { applicationsPending transfersPending } } } }"""
LISTS = """query L($u: ID!) {
  pending: joinApplications(unionId: $u) { id }
  overdue: joinApplications(unionId: $u, overdue: true) { id }
  transfers(unionId: $u) { id }
  late: serviceRequests(unionId: $u, overdue: true, first: 100) { edges { node { id } } }
  up: serviceRequests(unionId: $u, escalated: true, first: 100) { edges { node { id } } } }"""


async def test_queues_equal_the_lists(gql, factory):
    tree, period, cadres = await _fixture(factory)
    now = utcnow()
    a0, b0 = tree.grassroots["A"][0], tree.grassroots["B"][0]
    for due, escalated in ((now + timedelta(days=3), None), (now - timedelta(days=2), now),
                           (now - timedelta(days=1), now)):
        applicant = await factory.account(verified=False)
        await JoinApplication.create(member_id=applicant.member.id, union=a0, due_at=due,
                                     escalated_at=escalated)
    answered = await factory.account(verified=False)
    await JoinApplication.create(member_id=answered.member.id, union=b0, due_at=now,
                                 status=ReviewStatus.APPROVED, reviewed_at=now)
    mover = await factory.account(tree.grassroots["B"][0])
    await TransferRequest.create(member_id=mover.member.id, from_union=b0, to_union=a0)
    first = await ServiceRequest.filter(org_d1=tree.cities["xian"].id).order_by("id").first()
    await ServiceRequest.filter(id=first.id).update(escalated_at=now)

    for union, cadre in ((tree.province, cadres["p"]), (tree.cities["xian"], cadres["xian"]),
                         (tree.counties["A"], cadres["a"]), (tree.counties["B"], cadres["b"])):
        r = await gql(QUEUES, {"u": str(union.id), "p": period}, token=cadre.token)
        assert r.errors == [], r.errors
        got = r.data["cockpit"]
        lists = await gql(LISTS, {"u": str(union.id)}, token=cadre.token)
        assert lists.errors == [], lists.errors
        d = lists.data
        assert got["membership"]["applicationsPending"] == len(d["pending"])
        assert got["membership"]["applicationsOverdue"] == len(d["overdue"])
        assert got["membership"]["transfersPending"] == len(d["transfers"])
        assert got["services"]["overdueNow"] == len(d["late"]["edges"])
        assert got["services"]["escalated"] == len(d["up"]["edges"])
    county_a = (await gql(QUEUES, {"u": str(tree.counties["A"].id), "p": period},
                          token=cadres["a"].token)).data["cockpit"]
    assert county_a["membership"]["applicationsPending"] == 3
    assert county_a["membership"]["applicationsOverdue"] == 2
    assert county_a["membership"]["transfersPending"] == 1
    assert county_a["services"]["escalated"] == 1
    child = {c["union"]["id"]: c["membership"] for c in county_a["children"]}
    assert child[str(a0.id)] == {"applicationsPending": 3, "transfersPending": 1}
