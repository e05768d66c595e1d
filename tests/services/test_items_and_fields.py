"""The menu (serviceItems, createServiceItem) and services' fields of Member and Union."""

from __future__ import annotations

import re

from tests.services.helpers import CREATE, make_item, principal
from unionhub.schema.builder import build_schema
from unionhub.services import requests
from unionhub.services.models import ServiceCategory, ServiceItem, TimeLimitUnit

ITEMS = """query I($u: ID, $c: ServiceCategory) { serviceItems(unionId: $u, category: $c) {
  name category offeredBy { name } } }"""


async def test_cadres_set_the_menu_for_their_subtree(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    variables = {"input": {"unionId": str(tree.counties["A"].id), "name": "职工心理疏导",
                           "category": "COUNSELLING", "timeLimit": 16,
                           "timeLimitUnit": "WORKING_HOURS", "requiredFields": ["topic"]}}
    made = await gql(CREATE, variables, token=cadre.token)
    assert made.data["createServiceItem"]["errors"] == []
    item = made.data["createServiceItem"]["item"]
    assert (item["timeLimitHours"], item["requiredFields"]) == (16, ["topic"])
    assert item["offeredBy"]["id"] == str(tree.counties["A"].id)

    bad = {"input": {**variables["input"], "timeLimit": 0}}
    out = await gql(CREATE, bad, token=cadre.token)
    assert out.data["createServiceItem"]["errors"][0]["code"] == "TIME_LIMIT_RANGE"
    bad = {"input": {**variables["input"], "requiredFields": ["topic", "a b"]}}
    out = await gql(CREATE, bad, token=cadre.token)
    assert out.data["createServiceItem"]["errors"] == [
        {"code": "REQUIRED_FIELDS", "field": "requiredFields[1]"}]  # the input path
    neighbour = {"input": {**variables["input"], "unionId": str(tree.counties["B"].id)}}
    assert (await gql(CREATE, neighbour, token=cadre.token)).error_codes() == ["FORBIDDEN"]
    assert await ServiceItem.all().count() == 1


async def test_a_union_sees_its_own_items_and_those_above(gql, factory):
    tree = await factory.tree()
    prov, city = await factory.cadre(tree.province), await factory.cadre(tree.cities["xian"])
    await make_item(prov, tree.province, name="职工互助保障理赔",
                    category=ServiceCategory.MUTUAL_AID_INSURANCE)
    await make_item(city, tree.cities["xian"], name="西安市职工技能培训",
                    category=ServiceCategory.SKILLS_TRAINING)
    await make_item(await factory.cadre(tree.counties["C"]), tree.counties["C"],
                    name="渭滨区法律援助")
    r = await gql(ITEMS, {"u": str(tree.grassroots["A"][0].id)})
    assert [i["name"] for i in r.data["serviceItems"]] == ["职工互助保障理赔", "西安市职工技能培训"]
    r = await gql(ITEMS, {"u": str(tree.grassroots["C"][0].id), "c": "LEGAL_AID"})
    assert [i["name"] for i in r.data["serviceItems"]] == ["渭滨区法律援助"]
    assert len((await gql(ITEMS)).data["serviceItems"]) == 3  # a guest: the whole menu
    member = await factory.account(tree.grassroots["C"][0])
    mine = await gql(ITEMS, token=member.token)  # a member: what their union may request
    assert [i["name"] for i in mine.data["serviceItems"]] == ["职工互助保障理赔", "渭滨区法律援助"]

    union_items = await gql("""query { unions { name serviceItems { name }
      children { name serviceItems { name } } } }""")
    (province,) = union_items.data["unions"]
    assert province["serviceItems"] == [{"name": "职工互助保障理赔"}]
    assert {c["name"]: c["serviceItems"] for c in province["children"]} == {
        "西安市总工会": [{"name": "西安市职工技能培训"}], "宝鸡市总工会": [],
        tree.pool.name: []}


async def test_member_service_requests_field(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    item = await make_item(cadre, tree.counties["A"], time_limit=2,
                           unit=TimeLimitUnit.WORKING_DAYS)
    member = await factory.account(tree.grassroots["A"][0])
    made = [await requests.submit(principal(member), item.id, f"第{i}件") for i in range(3)]
    query = """query M($id: ID!) { member(id: $id) { id serviceRequests(first: 2) {
      id details status item { name } } } }"""
    own = await gql("query { me { serviceRequests { id } } }", token=member.token)
    assert [int(r["id"]) for r in own.data["me"]["serviceRequests"]] == [r.id for r in made[::-1]]
    seen = await gql(query, {"id": member.id}, token=cadre.token)
    # (a list masks the details for anyone but the requester: services.personal)
    assert [r["details"] for r in seen.data["member"]["serviceRequests"]] == ["****", "****"]
    assert [r["id"] for r in seen.data["member"]["serviceRequests"]] == [
        str(r.id) for r in made[:0:-1]]
    # Another member sees nothing of it (the member lookup itself is null for them).
    other = await factory.account(tree.grassroots["A"][0])
    assert (await gql(query, {"id": member.id}, token=other.token)).data["member"] is None
    # Through the federation entry point a cadre outside the member's union's scope gets null.
    outsider = await factory.cadre(tree.counties["B"])
    entities = """query E($r: [_Any!]!) { _entities(representations: $r) {
      ... on Member { id serviceRequests { id } } } }"""
    rep = [{"__typename": "Member", "id": member.id}]
    assert (await gql(entities, {"r": rep}, token=outsider.token)).data["_entities"] == [
        {"id": member.id, "serviceRequests": None}]
    assert (await gql(entities, {"r": rep}, token=cadre.token)).data["_entities"][0][
        "serviceRequests"] != []


def test_the_services_subgraph_builds_alone():
    sdl = build_schema("services").as_str()
    for name in ("serviceItems", "myServiceRequests", "serviceRequests", "nearbyServicePoints",
                 "unionScorecard", "unionRanking", "submitServiceRequest",
                 "acceptServiceRequest", "startServiceRequest", "completeServiceRequest",
                 "rejectServiceRequest", "rateServiceRequest"):
        assert f"{name}(" in sdl
    # The argument has a description, so it prints on lines of its own.
    assert 'type Member @key(fields: "id")' in sdl
    assert re.search(r"serviceRequests\(\n.*?first: Int! = 20\n  \): \[ServiceRequest!\]", sdl, re.S)
    # Value types every subgraph defines must be shareable, or composition refuses them
    # (checked with @theguild/federation-composition: identity + services compose).
    for subgraph in ("identity", "services"):
        text = build_schema(subgraph).as_str()
        assert "type PageInfo @shareable" in text and "type UserError @shareable" in text
