"""Region codes against the GB/T 2260 table, through the GraphQL endpoint: unknown, retired and
wrong-level codes are refused with nothing created; names come from the table; a union whose
code was retired later keeps it, flagged; ID numbers issued under retired codes still verify."""

from __future__ import annotations

import pytest

from tests.identity.verification_flows import verify
from unionhub.identity.models import Member, Union, UnionLevel
from unionhub.identity.regions import region

CREATE_UNION = """mutation CU($input: CreateUnionInput!) {
  createUnion(input: $input) {
    union { id regionCode regionName regionRetired }
    errors { code field message }
  }
}"""
UNION = "query U($id: ID!) { union(id: $id) { id regionCode regionName regionRetired } }"


async def create(gql, factory, parent: Union, level: str, region_code: str) -> dict:
    cadre = await factory.cadre(parent)
    r = await gql(CREATE_UNION, {"input": {"name": "新建工会组织", "level": level,
                                           "regionCode": region_code,
                                           "parentId": str(parent.id)}}, token=cadre.token)
    assert r.errors == []
    return r.data["createUnion"]


@pytest.mark.parametrize(("parent_key", "level", "code", "error"), [
    ("xian", "COUNTY", "610199", "REGION_CODE_UNKNOWN"),      # the example
    ("province", "CITY", "611100", "REGION_CODE_UNKNOWN"),    # never a Shaanxi city
    ("xian", "COUNTY", "610126", "REGION_CODE_RETIRED"),      # 高陵县, now 高陵区 610117
    ("xian", "COUNTY", "610125", "REGION_CODE_RETIRED"),      # 户县, now 鄠邑区 610118
    ("A", "GRASSROOTS", "610100", "REGION_CODE_LEVEL"),       # a city's code on a workplace
    ("xian", "COUNTY", "610000", "REGION_CODE_LEVEL"),        # a province's code on a county
    ("province", "CITY", "610113", "REGION_CODE_LEVEL"),      # a county's code on a city
])
async def test_codes_missing_from_the_table_retired_or_at_the_wrong_level_are_refused(
        gql, factory, parent_key, level, code, error):
    tree = await factory.tree()
    parent = {"province": tree.province, "xian": tree.cities["xian"]}.get(parent_key) \
        or tree.counties.get(parent_key)
    before = await Union.all().count()
    out = await create(gql, factory, parent, level, code)
    assert out["union"] is None
    assert [(e["code"], e["field"]) for e in out["errors"]] == [(error, "regionCode")]
    assert await Union.all().count() == before


async def test_a_current_code_takes_its_name_from_the_table(gql, factory):
    tree = await factory.tree()
    out = await create(gql, factory, tree.cities["xian"], "COUNTY", "610117")
    assert out["errors"] == []
    assert out["union"]["regionName"] == "高陵区" and out["union"]["regionRetired"] is False


async def test_the_demo_tree_carries_current_codes_with_their_names(gql, factory):
    tree = await factory.tree()
    names = {}
    for union in [tree.province, *tree.cities.values(), *tree.counties.values()]:
        got = (await gql(UNION, {"id": str(union.id)})).data["union"]
        assert got["regionRetired"] is False
        names[got["regionCode"]] = got["regionName"]
    assert names == {"610000": "陕西省", "610100": "西安市", "610300": "宝鸡市",
                     "610113": "雁塔区", "610103": "碑林区", "610302": "渭滨区"}


async def test_a_union_whose_code_was_retired_since_keeps_it_flagged(gql, factory):
    tree = await factory.tree()
    # Created when 610126 was current (before 2014): the row predates the table's refusal.
    old = await Union.create(name="高陵县总工会", level=UnionLevel.COUNTY,
                             parent=tree.cities["xian"], region_code="610126")
    old.path = f"{tree.cities['xian'].path}{old.id}/"
    await old.save(update_fields=["path"])
    got = (await gql(UNION, {"id": str(old.id)})).data["union"]
    assert got == {"id": str(old.id), "regionCode": "610126", "regionName": "高陵县",
                   "regionRetired": True}
    # Its grassroots unions cannot take the retired code either: they take the current one.
    refused = await create(gql, factory, old, "GRASSROOTS", "610126")
    assert [e["code"] for e in refused["errors"]] == ["REGION_CODE_RETIRED"]


async def test_an_id_number_issued_under_a_retired_code_still_verifies(gql, factory):
    assert region("610126").retired  # the sandbox pair below carries it
    member = await factory.account(verified=False)
    out = await verify(gql, member.token, "钱七", "610126198001010016")
    assert out["errors"] == []
    assert (await Member.get(id=member.member.id)).verified_at is not None


def test_shaanxi_is_complete_at_province_and_city_level():
    cities = {"610100", "610200", "610300", "610400", "610500", "610600", "610700", "610800",
              "610900", "611000"}
    assert region("610000").level == "PROVINCE"
    for code in cities:
        found = region(code)
        assert found is not None and found.level == "CITY" and not found.retired
