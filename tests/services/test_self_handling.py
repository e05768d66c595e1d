"""A second person handles a cadre's own service request: the requester, cadre or not, never
accepts, starts, completes or rejects it (SELF_HANDLING, nothing changed), so a cadre cannot
set their union's on-time rate and satisfaction with requests of their own. Another cadre in
scope does, including the parent union's when the requester is the only cadre of theirs."""

from __future__ import annotations

from tests.services.helpers import ACCEPT, COMPLETE, RATE, REJECT, START, make_item, principal
from unionhub.services import requests
from unionhub.services.models import RequestStatus, ServiceRequest, ServiceRequestEvent


def _code(out, field: str) -> list[str]:
    assert out.errors == [], out.errors
    return [e["code"] for e in out.data[field]["errors"]]


async def _steps(request_id: int) -> list[tuple[str, int | None]]:
    return [(e.action.value, e.actor_id) for e in
            await ServiceRequestEvent.filter(request_id=request_id).order_by("id")]


async def test_a_cadre_never_handles_their_own_request(gql, factory):
    tree = await factory.tree()
    county = tree.counties["A"]
    requester = await factory.cadre(county)  # a member of a grassroots union of county A
    colleague = await factory.cadre(county)
    item = await make_item(colleague, county)
    req = await requests.submit(principal(requester), item.id, "单位拖欠加班费")
    rid = str(req.id)

    for mutation, field, extra in ((ACCEPT, "acceptServiceRequest", {}),
                                   (REJECT, "rejectServiceRequest", {"r": "自己驳回"})):
        out = await gql(mutation, {"id": rid, **extra}, token=requester.token)
        assert _code(out, field) == ["SELF_HANDLING"]
    assert (await ServiceRequest.get(id=req.id)).status == RequestStatus.SUBMITTED

    await gql(ACCEPT, {"id": rid}, token=colleague.token)
    out = await gql(START, {"id": rid}, token=requester.token)
    assert _code(out, "startServiceRequest") == ["SELF_HANDLING"]
    out = await gql(COMPLETE, {"id": rid, "r": "已按时办结"}, token=requester.token)
    assert _code(out, "completeServiceRequest") == ["SELF_HANDLING"]
    out = await gql(REJECT, {"id": rid, "r": "自己驳回"}, token=requester.token)
    assert _code(out, "rejectServiceRequest") == ["SELF_HANDLING"]
    row = await ServiceRequest.get(id=req.id)
    assert (row.status, row.completed_at, row.resolution_enc, row.rejected_at) == (
        RequestStatus.ACCEPTED, None, None, None)
    requester_id, colleague_id = int(requester.id), int(colleague.id)
    assert await _steps(req.id) == [("SUBMITTED", requester_id), ("ACCEPTED", colleague_id)]

    # Handled by the colleague, the request is the requester's to rate, as any member's.
    out = await gql(COMPLETE, {"id": rid, "r": "已协调补发"}, token=colleague.token)
    assert _code(out, "completeServiceRequest") == []
    out = await gql(RATE, {"id": rid, "n": 5}, token=requester.token)
    assert _code(out, "rateServiceRequest") == []
    assert await _steps(req.id) == [("SUBMITTED", requester_id), ("ACCEPTED", colleague_id),
                                    ("COMPLETED", colleague_id), ("RATED", requester_id)]


async def test_the_only_cadre_of_a_grassroots_union_leaves_it_to_the_parent(gql, factory):
    tree = await factory.tree()
    grassroots = tree.grassroots["A"][0]
    only = await factory.cadre(grassroots)  # the union's one cadre, and its member
    item = await make_item(only, grassroots, name="困难职工帮扶申请")
    req = await requests.submit(principal(only), item.id, "家中突发变故")

    out = await gql(ACCEPT, {"id": str(req.id)}, token=only.token)
    assert _code(out, "acceptServiceRequest") == ["SELF_HANDLING"]
    # The county's cadres hold the grassroots union in their scope: they act at once, with
    # no wait for the deadline's escalation.
    county_cadre = await factory.cadre(tree.counties["A"])
    out = await gql(ACCEPT, {"id": str(req.id)}, token=county_cadre.token)
    assert _code(out, "acceptServiceRequest") == []
    out = await gql(REJECT, {"id": str(req.id), "r": "材料不全"}, token=county_cadre.token)
    assert _code(out, "rejectServiceRequest") == []
    assert (await ServiceRequest.get(id=req.id)).status == RequestStatus.REJECTED

