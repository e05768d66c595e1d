"""Text a member or cadre sends holds no control characters: a NUL (which no PostgreSQL text
holds) used to reach the database and fail as an internal error. Each is refused with
CONTROL_CHARACTER on its field, and nothing changes. Lengths likewise: each has its code."""

from __future__ import annotations

from tests.services.helpers import COMPLETE, RATE, REJECT, SUBMIT, make_item, principal
from tests.services.helpers import CREATE as CREATE_ITEM
from unionhub.services import requests
from unionhub.services.models import ServiceItem, ServicePoint, ServiceRequest, ServiceRequestEvent

POINT = """mutation P($input: CreateServicePointInput!) { createServicePoint(input: $input) {
  point { id } errors { code field } } }"""
BAD = ("\x00", "\x1b", "\u202e")


def _errors(result, name: str) -> list[dict]:
    assert result.errors == [], result.body
    return result.data[name]["errors"]


async def test_requests_refuse_control_characters(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    item = await make_item(cadre, tree.counties["A"], required_fields=["employer"])
    ok = {"itemId": str(item.id), "details": "拖欠工资\n三个月", "fields": [
        {"name": "employer", "value": "某建筑公司"}]}
    for bad in BAD:
        for change, field in (({"details": f"拖欠{bad}工资"}, "details"),
                              ({"fields": [{"name": "employer", "value": f"某{bad}公司"}]},
                               "employer"),
                              ({"fields": [{"name": "employer", "value": "某\n公司"}]},
                               "employer")):
            result = await gql(SUBMIT, {"input": {**ok, **change}}, token=member.token)
            assert _errors(result, "submitServiceRequest") == [
                {"code": "CONTROL_CHARACTER", "field": field, "message": result.data[
                    "submitServiceRequest"]["errors"][0]["message"]}], (bad, change)
    assert await ServiceRequest.all().count() == 0

    handled = await requests.submit(principal(member), item.id, "咨询", {"employer": "某公司"})
    await requests.accept(principal(cadre), handled.id)
    rid = str(handled.id)
    for bad in BAD:
        done = await gql(COMPLETE, {"id": rid, "r": f"已办{bad}结"}, token=cadre.token)
        assert [e["code"] for e in _errors(done, "completeServiceRequest")] == [
            "CONTROL_CHARACTER"]
        no = await gql(REJECT, {"id": rid, "r": f"不{bad}受理"}, token=cadre.token)
        assert [e["field"] for e in _errors(no, "rejectServiceRequest")] == ["reason"]
    assert (await ServiceRequest.get(id=handled.id)).status == "ACCEPTED"
    await requests.complete(principal(cadre), handled.id, "已办结")
    for bad in BAD:
        rated = await gql(RATE, {"id": rid, "n": 5, "c": f"很{bad}好"}, token=member.token)
        assert [(e["code"], e["field"]) for e in _errors(rated, "rateServiceRequest")] == [
            ("CONTROL_CHARACTER", "comment")]
    assert (await ServiceRequest.get(id=handled.id)).rating is None
    assert await ServiceRequestEvent.filter(request_id=handled.id).count() == 3


async def test_items_and_points_refuse_control_characters(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    item = {"unionId": str(tree.counties["A"].id), "name": "职工心理疏导",
            "category": "COUNSELLING", "timeLimit": 16, "timeLimitUnit": "WORKING_HOURS",
            "description": "每周二\n下午"}
    point = {"unionId": str(tree.counties["A"].id), "name": "雁塔职工之家",
             "kind": "WORKERS_HOME", "latitude": 34.22, "longitude": 108.96,
             "address": "雁塔路1号"}
    for bad in BAD:
        for change, field in (({"name": f"职工{bad}疏导"}, "name"),
                              ({"description": f"每周{bad}二"}, "description")):
            made = await gql(CREATE_ITEM, {"input": {**item, **change}}, token=cadre.token)
            assert _errors(made, "createServiceItem") == [
                {"code": "CONTROL_CHARACTER", "field": field}], (bad, change)
        for change, field in (({"name": f"职工{bad}之家"}, "name"),
                              ({"address": f"雁塔路{bad}1号"}, "address")):
            made = await gql(POINT, {"input": {**point, **change}}, token=cadre.token)
            assert _errors(made, "createServicePoint") == [
                {"code": "CONTROL_CHARACTER", "field": field}], (bad, change)
    assert await ServiceItem.all().count() == 0
    assert await ServicePoint.all().count() == 0
    assert _errors(await gql(CREATE_ITEM, {"input": item}, token=cadre.token),
                   "createServiceItem") == []  # lines in a description are kept
    assert _errors(await gql(POINT, {"input": point}, token=cadre.token),
                   "createServicePoint") == []


async def test_item_and_point_lengths_have_codes(gql, factory):
    # A point's phone over the column's 20 characters failed in the database (an internal
    # error); an address over 200 and a description over 2000 were cut without a word.
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    item = {"unionId": str(tree.counties["A"].id), "name": "职工心理疏导",
            "category": "COUNSELLING", "timeLimit": 16, "timeLimitUnit": "WORKING_HOURS",
            "description": "说" * 2001}
    made = await gql(CREATE_ITEM, {"input": item}, token=cadre.token)
    assert _errors(made, "createServiceItem") == [{"code": "DESCRIPTION_TOO_LONG",
                                                   "field": "description"}]
    point = {"unionId": str(tree.counties["A"].id), "name": "雁塔职工之家",
             "kind": "WORKERS_HOME", "latitude": 34.22, "longitude": 108.96}
    for change, code, field in (({"phone": "0" * 21}, "PHONE_FORMAT", "phone"),
                                ({"phone": "call us"}, "PHONE_FORMAT", "phone"),
                                ({"address": "路" * 201}, "ADDRESS_TOO_LONG", "address")):
        made = await gql(POINT, {"input": {**point, **change}}, token=cadre.token)
        assert _errors(made, "createServicePoint") == [{"code": code, "field": field}], change
    assert await ServiceItem.all().count() == 0
    assert await ServicePoint.all().count() == 0
    made = await gql(POINT, {"input": {**point, "phone": "029-8765 4321",
                                       "address": "路" * 200}}, token=cadre.token)
    assert _errors(made, "createServicePoint") == []
    made = await gql(CREATE_ITEM, {"input": {**item, "description": "说" * 2000}},
                     token=cadre.token)
    assert _errors(made, "createServiceItem") == []


async def test_a_form_field_given_twice_is_refused(gql, factory):
    # The input list was folded into a dict: the second value silently replaced the first.
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    item = await make_item(cadre, tree.counties["A"], required_fields=["employer"])
    twice = [{"name": "employer", "value": "甲公司"}, {"name": "employer", "value": "乙公司"}]
    result = await gql(SUBMIT, {"input": {"itemId": str(item.id), "details": "欠薪",
                                          "fields": twice}}, token=member.token)
    assert [(e["code"], e["field"]) for e in _errors(result, "submitServiceRequest")] == [
        ("DUPLICATE_FIELD", "employer")]
    assert await ServiceRequest.all().count() == 0
