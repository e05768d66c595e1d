"""A request's whole life through GraphQL: submit, accept, start, complete, rate; rejection;
illegal transitions; scope denials; the member's and the cadres' lists."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.services.helpers import ACCEPT, COMPLETE, RATE, REJECT, START, SUBMIT, make_item, principal
from unionhub.clock import utcnow
from unionhub.services import requests
from unionhub.services.deadlines import deadline_for
from unionhub.services.models import ServiceRequest, ServiceRequestEvent, TimeLimitUnit

LIST = """query L($u: ID!, $s: RequestStatus, $o: Boolean, $e: Boolean, $after: String, $first: Int) {
  serviceRequests(unionId: $u, status: $s, overdue: $o, escalated: $e, after: $after, first: $first) {
    edges { node { id status overdue } } pageInfo { hasNextPage endCursor } } }"""
MINE = "query { myServiceRequests { edges { node { id status item { name } } } } }"


async def _setup(factory):
    tree = await factory.tree()
    county_a = tree.counties["A"]
    cadre = await factory.cadre(county_a)
    member = await factory.account(tree.grassroots["A"][0])
    item = await make_item(cadre, county_a, required_fields=["employer"])
    return tree, cadre, member, item


async def test_full_lifecycle_each_step_recorded(gql, factory):
    tree, cadre, member, item = await _setup(factory)
    sub = await gql(SUBMIT, {"input": {"itemId": str(item.id), "details": "拖欠工资三个月",
                                       "fields": [{"name": "employer", "value": "某建筑公司"}]}},
                    token=member.token)
    assert sub.errors == [] and sub.data["submitServiceRequest"]["errors"] == []
    req = sub.data["submitServiceRequest"]["request"]
    assert req["status"] == "SUBMITTED" and req["overdue"] is False
    assert req["handledBy"]["id"] == str(tree.counties["A"].id)
    assert req["item"]["timeLimitHours"] == 24
    assert req["fieldValues"] == [{"name": "employer", "value": "某建筑公司"}]
    row = await ServiceRequest.get(id=int(req["id"]))
    assert row.deadline == deadline_for(row.submitted_at, 3, TimeLimitUnit.WORKING_DAYS)

    rid = req["id"]
    acc = await gql(ACCEPT, {"id": rid}, token=cadre.token)
    assert acc.data["acceptServiceRequest"]["request"]["status"] == "ACCEPTED"
    st = await gql(START, {"id": rid}, token=cadre.token)
    assert st.data["startServiceRequest"]["request"]["status"] == "IN_PROGRESS"
    done = await gql(COMPLETE, {"id": rid, "r": "已协调企业补发工资"}, token=cadre.token)
    out = done.data["completeServiceRequest"]["request"]
    assert out["status"] == "COMPLETED" and out["resolution"] == "已协调企业补发工资"

    rated = await gql(RATE, {"id": rid, "n": 5, "c": "很及时"}, token=member.token)
    out = rated.data["rateServiceRequest"]["request"]
    assert out["rating"] == 5 and out["ratingComment"] == "很及时"
    steps = [(e["action"], e["actor"]["id"]) for e in out["events"]]
    assert steps == [("SUBMITTED", member.id), ("ACCEPTED", cadre.id), ("STARTED", cadre.id),
                     ("COMPLETED", cadre.id), ("RATED", member.id)]
    assert all(e["at"] for e in out["events"])

    # Once only, 1–5, and by the requester only.
    again = await gql(RATE, {"id": rid, "n": 4}, token=member.token)
    assert again.data["rateServiceRequest"]["errors"][0]["code"] == "ALREADY_RATED"
    other = await factory.account(tree.grassroots["A"][0])
    stranger = await gql(RATE, {"id": rid, "n": 1}, token=other.token)
    assert stranger.data["rateServiceRequest"]["errors"][0]["code"] == "NOT_FOUND"  # as missing
    assert (await ServiceRequest.get(id=int(rid))).rating == 5

    # A finished request takes no more steps.
    for query, variables in ((ACCEPT, {"id": rid}), (START, {"id": rid}),
                             (REJECT, {"id": rid, "r": "重复"})):
        bad = await gql(query, variables, token=cadre.token)
        (name,) = bad.data
        assert bad.data[name]["errors"][0]["code"] == "INVALID_TRANSITION"
    assert await ServiceRequestEvent.filter(request_id=int(rid)).count() == 5


async def test_reject_with_reason_and_illegal_steps(gql, factory):
    _tree, cadre, member, item = await _setup(factory)
    req = await requests.submit(principal(member), item.id, "咨询", {"employer": "某公司"})
    rid = str(req.id)
    start = await gql(START, {"id": rid}, token=cadre.token)  # not accepted yet
    assert start.data["startServiceRequest"]["errors"][0]["code"] == "INVALID_TRANSITION"
    rate = await gql(RATE, {"id": rid, "n": 3}, token=member.token)  # not completed
    assert rate.data["rateServiceRequest"]["errors"][0]["code"] == "INVALID_TRANSITION"
    empty = await gql(REJECT, {"id": rid, "r": "  "}, token=cadre.token)
    assert empty.data["rejectServiceRequest"]["errors"][0]["code"] == "REASON_REQUIRED"
    rej = await gql(REJECT, {"id": rid, "r": "不属于本会受理范围"}, token=cadre.token)
    out = rej.data["rejectServiceRequest"]["request"]
    assert out["status"] == "REJECTED" and out["rejectReason"] == "不属于本会受理范围"
    assert out["events"][-1]["note"] is None  # the reason is sealed, the step keeps no copy
    done = await gql(COMPLETE, {"id": rid, "r": "x"}, token=cadre.token)
    assert done.data["completeServiceRequest"]["errors"][0]["code"] == "INVALID_TRANSITION"
    rate = await gql(RATE, {"id": rid, "n": 1}, token=member.token)  # rejected: not rated
    assert rate.data["rateServiceRequest"]["errors"][0]["code"] == "INVALID_TRANSITION"


async def test_bad_input_writes_nothing(gql, factory):
    _tree, _cadre, member, item = await _setup(factory)
    missing = await gql(SUBMIT, {"input": {"itemId": str(item.id), "details": "d"}},
                        token=member.token)
    err = missing.data["submitServiceRequest"]["errors"][0]
    assert (err["code"], err["field"]) == ("MISSING_FIELD", "employer")
    blank = await gql(SUBMIT, {"input": {"itemId": str(item.id), "details": " ",
                                         "fields": [{"name": "employer", "value": "x"}]}},
                      token=member.token)
    assert blank.data["submitServiceRequest"]["errors"][0]["code"] == "DETAILS_REQUIRED"
    unknown = await gql(SUBMIT, {"input": {"itemId": "999999", "details": "d"}},
                        token=member.token)
    assert unknown.data["submitServiceRequest"]["errors"][0]["code"] == "NOT_FOUND"
    assert await ServiceRequest.all().count() == 0
    assert await ServiceRequestEvent.all().count() == 0


async def test_scope_rules(gql, factory):
    tree, _cadre, member, item = await _setup(factory)
    # A member outside the offering org's subtree cannot order from its menu.
    outsider = await factory.account(tree.grassroots["B"][0])
    out = await gql(SUBMIT, {"input": {"itemId": str(item.id), "details": "d",
                                       "fields": [{"name": "employer", "value": "x"}]}},
                    token=outsider.token)
    assert out.data["submitServiceRequest"]["errors"][0]["code"] == "ITEM_NOT_AVAILABLE"
    # A member without real-name verification is below the VERIFIED tier.
    unverified = await factory.account(verified=False)
    low = await gql(SUBMIT, {"input": {"itemId": str(item.id), "details": "d"}},
                    token=unverified.token)
    assert low.error_codes() == ["FORBIDDEN"]

    req = await requests.submit(principal(member), item.id, "咨询", {"employer": "某公司"})
    rid = str(req.id)
    # A cadre of a neighbouring county, and one of a grassroots union below the handling org,
    # may not handle it (it reads as a missing id); the member, below the CADRE tier, may not
    # list or handle it either.
    for token in ((await factory.cadre(tree.counties["B"])).token,
                  (await factory.cadre(tree.grassroots["A"][0])).token):
        denied = await gql(ACCEPT, {"id": rid}, token=token)
        assert denied.data["acceptServiceRequest"]["errors"][0]["code"] == "NOT_FOUND"
    assert (await gql(ACCEPT, {"id": rid}, token=member.token)).error_codes() == ["FORBIDDEN"]
    assert (await ServiceRequest.get(id=req.id)).status == "SUBMITTED"
    b_cadre = await factory.cadre(tree.counties["B"])
    listing = await gql(LIST, {"u": str(tree.counties["A"].id)}, token=b_cadre.token)
    assert listing.error_codes() == ["FORBIDDEN"]
    one = await gql("query Q($id: ID!) { serviceRequest(id: $id) { id } }", {"id": rid},
                    token=b_cadre.token)
    assert one.errors == [] and one.data["serviceRequest"] is None
    # The city cadre above the handling org may act (it takes over escalations).
    city = await factory.cadre(tree.cities["xian"])
    ok = await gql(ACCEPT, {"id": rid}, token=city.token)
    assert ok.data["acceptServiceRequest"]["request"]["status"] == "ACCEPTED"


async def test_lists_filter_by_status_and_overdue(gql, factory):
    tree, cadre, member, item = await _setup(factory)
    p = principal(member)
    long_ago = utcnow() - timedelta(days=30)
    late = [await requests.submit(p, item.id, f"旧{i}", {"employer": "x"}, now=long_ago)
            for i in range(3)]
    fresh = [await requests.submit(p, item.id, f"新{i}", {"employer": "x"}) for i in range(2)]
    # An old request finished is not overdue, however late it was.
    await requests.accept(principal(cadre), late[0].id)
    await requests.complete(principal(cadre), late[0].id, "办结")
    await requests.accept(principal(cadre), fresh[0].id)

    async def ids(**filters):
        r = await gql(LIST, {"u": str(tree.counties["A"].id), **filters}, token=cadre.token)
        assert r.errors == [], r.errors
        return [int(e["node"]["id"]) for e in r.data["serviceRequests"]["edges"]]

    assert await ids() == sorted([r.id for r in late + fresh], reverse=True)
    assert await ids(o=True) == [late[2].id, late[1].id]
    assert await ids(o=False) == [fresh[1].id, fresh[0].id, late[0].id]
    assert await ids(s="ACCEPTED") == [fresh[0].id]
    assert await ids(s="SUBMITTED", o=True) == [late[2].id, late[1].id]
    # The province cadre sees the county's requests in its wider scope; paging works.
    province = await factory.cadre(tree.province)
    page = await gql(LIST, {"u": str(tree.province.id), "first": 3}, token=province.token)
    conn = page.data["serviceRequests"]
    assert len(conn["edges"]) == 3 and conn["pageInfo"]["hasNextPage"]
    rest = await gql(LIST, {"u": str(tree.province.id), "after": conn["pageInfo"]["endCursor"]},
                     token=province.token)
    assert len(rest.data["serviceRequests"]["edges"]) == 2
    overdue_flags = {int(e["node"]["id"]): e["node"]["overdue"]
                     for e in conn["edges"] + rest.data["serviceRequests"]["edges"]}
    assert overdue_flags == {late[0].id: False, late[1].id: True, late[2].id: True,
                             fresh[0].id: False, fresh[1].id: False}

    mine = await gql(MINE, token=member.token)
    assert [int(e["node"]["id"]) for e in mine.data["myServiceRequests"]["edges"]] == \
        sorted([r.id for r in late + fresh], reverse=True)
    other = await factory.account(tree.grassroots["A"][0])
    assert (await gql(MINE, token=other.token)).data["myServiceRequests"]["edges"] == []


async def test_two_cadres_accepting_at_once_make_one_acceptance(gql, factory):
    _tree, cadre, member, item = await _setup(factory)
    req = await requests.submit(principal(member), item.id, "咨询", {"employer": "x"})
    results = await asyncio.gather(*(gql(ACCEPT, {"id": str(req.id)}, token=cadre.token)
                                     for _ in range(8)))
    codes = sorted(
        (r.data["acceptServiceRequest"]["errors"] or [{"code": "OK"}])[0]["code"]
        for r in results)
    assert codes == ["INVALID_TRANSITION"] * 7 + ["OK"]
    assert await ServiceRequestEvent.filter(request_id=req.id, action="ACCEPTED").count() == 1


async def test_rating_many_times_at_once_rates_once(gql, factory):
    _tree, cadre, member, item = await _setup(factory)
    req = await requests.submit(principal(member), item.id, "咨询", {"employer": "x"})
    await requests.accept(principal(cadre), req.id)
    await requests.complete(principal(cadre), req.id, "办结")
    results = await asyncio.gather(*(gql(RATE, {"id": str(req.id), "n": n}, token=member.token)
                                     for n in (1, 2, 3, 4, 5)))
    winners = [r for r in results if not r.data["rateServiceRequest"]["errors"]]
    assert len(winners) == 1
    assert {r.data["rateServiceRequest"]["errors"][0]["code"] for r in results
            if r not in winners} == {"ALREADY_RATED"}
    row = await ServiceRequest.get(id=req.id)
    assert row.rating == winners[0].data["rateServiceRequest"]["request"]["rating"]
    assert await ServiceRequestEvent.filter(request_id=req.id, action="RATED").count() == 1
