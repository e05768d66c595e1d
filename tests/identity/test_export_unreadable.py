"""A personal value that no longer opens (moved from another row) costs the member only that value
in their copy (`unionhub.memberdata.readable`): the export answers with everything else, gives
the value as null and names where it was in `unreadable`, and the audit row says so too. Before,
one such value refused the whole export with PERSONAL_DATA_UNREADABLE."""

from __future__ import annotations

from tests.services.helpers import make_item
from unionhub.identity.crypto import encrypt
from unionhub.identity.models import AuditLog, Member
from unionhub.services import personal
from unionhub.services.models import ServiceRequest

EXPORT = "{ myPersonalData }"
SUBMIT = """mutation S($input: SubmitServiceRequestInput!) {
  submitServiceRequest(input: $input) { errors { code } } }"""


async def test_a_value_that_does_not_open_is_named_and_the_rest_is_exported(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0], name="王小明")
    other = await factory.account(tree.grassroots["A"][0])
    cadre = await factory.cadre(tree.counties["A"])
    item = await make_item(cadre, tree.counties["A"])
    for details in ("第一件事", "第二件事"):
        r = await gql(SUBMIT, {"input": {"itemId": str(item.id), "details": details}},
                      token=member.token)
        assert r.data["submitServiceRequest"]["errors"] == []
    first, second = await ServiceRequest.filter(member_id=member.member.id).order_by("id")
    # The other member's phone ciphertext copied onto this row, and a request's details sealed
    # for another request: both are refused by their openers (logged and counted there).
    [moved] = await Member.filter(id=other.member.id).values_list("phone_enc", flat=True)
    await Member.filter(id=member.member.id).update(phone_enc=moved)
    await ServiceRequest.filter(id=first.id).update(
        details_enc=encrypt("别人的事", personal.DETAILS, owner=second.id))

    r = await gql(EXPORT, token=member.token)
    assert r.errors == []
    data = r.data["myPersonalData"]
    identity = data["identity"]["identity"]
    assert (identity["phone"], identity["legal_name"], identity["id_number"]) == (
        None, "王小明", member.id_number)
    assert [q["details"] for q in data["services"]["service_requests"]] == [None, "第二件事"]
    assert data["unreadable"] == ["identity.phone",
                                  f"services.service_requests[{first.id}].details"]
    assert "别人的事" not in str(data) and other.phone not in str(data)
    [row] = await AuditLog.filter(action="identity.personal_data.export")
    assert row.detail["unreadable"] == data["unreadable"]


async def test_a_whole_export_names_nothing_unreadable(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    r = await gql(EXPORT, token=member.token)
    assert r.errors == [] and r.data["myPersonalData"]["unreadable"] == []
    [row] = await AuditLog.filter(action="identity.personal_data.export")
    assert "unreadable" not in row.detail
