"""A service request's details and form values are the member's personal data (legal aid,
counselling, hardship: names, phones, ID numbers, household troubles): encrypted at rest, bound
to their request, shown in clear to the requester unaudited, to a cadre or admin opening the
request only after an audit row (who, which request, never the text), and masked in the lists
that a queue shows; key rotation moves them and closure erases them."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.conftest import GraphQLClient
from tests.crypto.key_switch import _switch_to_a_new_key, restore_settings  # noqa: F401
from tests.services.helpers import make_item, principal
from unionhub.app import create_app
from unionhub.db import conn
from unionhub.fastpath import switch
from unionhub.fastpath.switch import Switches
from unionhub.identity.models import AuditLog
from unionhub.services import requests
from unionhub.settings import Settings

ACTION = "services.request.details.read"
DETAILS = "拖欠工资三个月，我叫王小明，电话13800001111"
POLICY, EMPLOYER = "BX-2026-778899", "西安某某建筑公司"
SECRETS = (DETAILS, "王小明", "13800001111", POLICY, EMPLOYER)
CLEAR_FIELDS = [{"name": "employer", "value": EMPLOYER}, {"name": "policy", "value": POLICY}]
ONE = """query R($id: ID!) { serviceRequest(id: $id) { id details fieldValues { name value } } }"""
QUEUE = """query Q($u: ID!) { serviceRequests(unionId: $u, first: 10) { edges { node {
  id details fieldValues { name value } } } } }"""
MINE = """{ myServiceRequests(first: 10) { edges { node { id details fieldValues { name value } } } } }"""
MEMBER_LIST = """query M($id: ID!) { member(id: $id) {
  serviceRequests(first: 5) { id details fieldValues { name value } }
  serviceRequestsConnection(first: 5) { edges { node { id details } } } } }"""


async def _submitted(factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    item = await make_item(cadre, tree.counties["A"], required_fields=["policy", "employer"])
    req = await requests.submit(principal(member), item.id, DETAILS,
                                {"policy": POLICY, "employer": EMPLOYER})
    return tree, cadre, member, req


async def _reads() -> list[tuple[int | None, str, str, int | None, dict]]:
    return [(r.actor_id, r.subject_type, r.subject_id, r.union_id, r.detail)
            for r in await AuditLog.filter(action=ACTION).order_by("id")]


async def test_the_table_holds_no_plaintext_details_or_form_values(gql, factory):
    _tree, _cadre, _member, req = await _submitted(factory)
    rows = await conn().execute_query_dict(
        f"SELECT * FROM service_requests WHERE id = {req.id:d}")
    raw = json.dumps(rows, default=str, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in raw


async def test_the_requester_reads_in_clear_unaudited(gql, factory):
    _tree, _cadre, member, req = await _submitted(factory)
    one = await gql(ONE, {"id": str(req.id)}, token=member.token)
    assert one.errors == [], one.errors
    assert one.data["serviceRequest"]["details"] == DETAILS
    assert one.data["serviceRequest"]["fieldValues"] == CLEAR_FIELDS
    mine = await gql(MINE, token=member.token)
    [node] = [e["node"] for e in mine.data["myServiceRequests"]["edges"]]
    assert (node["details"], node["fieldValues"]) == (DETAILS, CLEAR_FIELDS)
    assert await _reads() == []


async def test_a_cadre_opening_a_request_reads_it_audited(gql, factory):
    tree, cadre, member, req = await _submitted(factory)
    one = await gql(ONE, {"id": str(req.id)}, token=cadre.token)
    assert one.errors == [], one.errors
    assert one.data["serviceRequest"]["details"] == DETAILS
    assert one.data["serviceRequest"]["fieldValues"] == CLEAR_FIELDS
    union_id = tree.grassroots["A"][0].id
    assert await _reads() == [
        (cadre.member.id, "member", str(member.member.id), union_id,
         {"request_id": req.id, "field": "details"}),
        (cadre.member.id, "member", str(member.member.id), union_id,
         {"request_id": req.id, "field": "field_values"})]
    # An admin's read too; the log never holds the text.
    admin = await factory.admin()
    seen = await gql(ONE, {"id": str(req.id)}, token=admin.token)
    assert seen.data["serviceRequest"]["details"] == DETAILS
    assert [r[0] for r in await _reads()] == [cadre.member.id] * 2 + [admin.member.id] * 2
    dump = json.dumps(await conn().execute_query_dict("SELECT * FROM audit_log"),
                      default=str, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in dump


async def test_a_handling_step_answers_the_request_audited(gql, factory):
    _tree, cadre, _member, req = await _submitted(factory)
    accepted = await gql("""mutation A($id: ID!) { acceptServiceRequest(input: {requestId: $id})
      { request { details } errors { code } } }""", {"id": str(req.id)}, token=cadre.token)
    assert accepted.data["acceptServiceRequest"]["request"]["details"] == DETAILS
    assert [r[4]["field"] for r in await _reads()] == ["details"]


async def test_a_queue_shows_details_masked_and_decrypts_nothing(gql, factory):
    tree, cadre, member, _req = await _submitted(factory)
    masked_fields: list[dict[str, str]] = []  # a list gives others no form values
    queue = await gql(QUEUE, {"u": str(tree.counties["A"].id)}, token=cadre.token)
    assert queue.errors == [], queue.errors
    [node] = [e["node"] for e in queue.data["serviceRequests"]["edges"]]
    assert (node["details"], node["fieldValues"]) == ("****", masked_fields)
    listed = await gql(MEMBER_LIST, {"id": member.id}, token=cadre.token)
    assert listed.errors == [], listed.errors
    [row] = listed.data["member"]["serviceRequests"]
    assert (row["details"], row["fieldValues"]) == ("****", masked_fields)
    [edge] = listed.data["member"]["serviceRequestsConnection"]["edges"]
    assert edge["node"]["details"] == "****"
    assert await _reads() == []
    for secret in SECRETS:
        assert secret not in str(queue.body) + str(listed.body)


async def test_a_ciphertext_moved_to_another_request_is_refused(gql, factory):
    _tree, cadre, member, req = await _submitted(factory)
    other = await requests.submit(principal(member), req.item_id, "另一件事",
                                  {"policy": "P", "employer": "E"})
    await conn().execute_query(
        "UPDATE service_requests SET details_enc = (SELECT details_enc FROM service_requests "
        f"WHERE id = {req.id:d}) WHERE id = {other.id:d}")
    seen = await gql(ONE, {"id": str(other.id)}, token=cadre.token)
    assert [e["extensions"]["code"] for e in seen.errors] == ["PERSONAL_DATA_UNREADABLE"]
    assert DETAILS not in str(seen.body)
    assert await _reads() == []  # refused before any audit row


async def test_key_rotation_moves_them_and_they_read_after(gql, factory, monkeypatch,
                                                           restore_settings):  # noqa: F811
    from unionhub.crypto import rotation

    _tree, cadre, member, req = await _submitted(factory)
    _switch_to_a_new_key(monkeypatch)
    assert (await rotation.remaining())["service_requests"] == 1
    await rotation.rotate()
    assert (await rotation.remaining())["service_requests"] == 0
    [row] = await conn().execute_query_dict(
        f"SELECT details_enc, field_values_enc FROM service_requests WHERE id = {req.id:d}")
    assert row["details_enc"].startswith("r2:r:") and row["field_values_enc"].startswith("r2:r:")
    for caller in (member, cadre):
        one = await gql(ONE, {"id": str(req.id)}, token=caller.token)
        assert one.data["serviceRequest"]["details"] == DETAILS


@pytest.fixture(scope="module")
def slow_app() -> Any:
    previous = switch.set_switches(Switches())
    try:
        return create_app(settings=Settings(fast_path=False), manage_connections=False)
    finally:
        switch.set_switches(previous)


async def test_the_fast_path_answers_and_audits_the_same(gql, factory, slow_app):
    """The compiled executor against graphql-core and strawberry's own path: the same answers
    for the requester, a cadre and an admin, alone and in lists, and the same audit rows."""
    tree, cadre, member, req = await _submitted(factory)
    callers = [member, cadre, await factory.admin()]

    async def answers(client: Any) -> tuple[list[Any], list[Any]]:
        before = await AuditLog.filter(action=ACTION).count()
        bodies = []
        for caller in callers:
            for query, variables in ((ONE, {"id": str(req.id)}),
                                     (QUEUE, {"u": str(tree.counties["A"].id)}),
                                     (MEMBER_LIST, {"id": member.id})):
                body = (await client(query, variables, token=caller.token)).body
                bodies.append({k: v for k, v in body.items() if k != "extensions"})
        rows = await AuditLog.filter(action=ACTION).order_by("id").offset(before).values(
            "actor_id", "subject_id", "union_id", "detail")
        return bodies, rows

    fast = await answers(gql)
    previous = switch.set_switches(Switches.of(False))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=slow_app),
                                     base_url="http://test") as http:
            slow = await answers(GraphQLClient(http))
    finally:
        switch.set_switches(previous)
    assert slow == fast
    assert len(fast[1]) == 2 * 2  # the cadre's and the admin's reads of the request alone
    assert fast[0][0]["data"]["serviceRequest"]["details"] == DETAILS


COMMENT = "我是张三，电话13900002222，谢谢"
RATED_ONE = """query R($id: ID!) { serviceRequest(id: $id) { ratingComment events { action note } } }"""


async def test_the_rating_comment_is_sealed_and_its_reads_by_others_audited(gql, factory):
    tree, cadre, member, req = await _submitted(factory)
    await requests.accept(principal(cadre), req.id)
    await requests.complete(principal(cadre), req.id, "已协调")
    await requests.rate(principal(member), req.id, 5, COMMENT)
    dump = json.dumps([
        await conn().execute_query_dict(f"SELECT * FROM {table} WHERE {column} = {req.id:d}")
        for table, column in (("service_requests", "id"),
                              ("service_request_events", "request_id"))],
        default=str, ensure_ascii=False)
    for secret in (COMMENT, "13900002222"):
        assert secret not in dump
    own = await gql(RATED_ONE, {"id": str(req.id)}, token=member.token)
    assert own.data["serviceRequest"]["ratingComment"] == COMMENT
    assert await _reads() == []
    seen = await gql(RATED_ONE, {"id": str(req.id)}, token=cadre.token)
    assert seen.data["serviceRequest"]["ratingComment"] == COMMENT
    assert COMMENT not in str(seen.data["serviceRequest"]["events"])  # (the step has no copy)
    assert [r[4] for r in await _reads()] == [{"request_id": req.id, "field": "rating_comment"}]
    queue = await gql("""query Q($u: ID!) { serviceRequests(unionId: $u, first: 5) {
      edges { node { ratingComment } } } }""", {"u": str(tree.counties["A"].id)},
                      token=cadre.token)
    assert queue.data["serviceRequests"]["edges"] == [{"node": {"ratingComment": "****"}}]
    assert len(await _reads()) == 1
    # The member's export opens their own words.
    from unionhub.services import memberdata

    [exported] = (await memberdata.export(member.member.id))["service_requests"]
    assert (exported["details"], exported["rating_comment"]) == (DETAILS, COMMENT)
    assert exported["field_values"] == {"policy": POLICY, "employer": EMPLOYER}
