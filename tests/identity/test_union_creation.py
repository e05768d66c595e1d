"""Creating unions through GraphQL: credit codes (a wrong check character kept with a warning,
a malformed code refused), the cadre's scope, region codes that must fit the parent, and a new
grassroots union taking members by its join code."""

from __future__ import annotations

import pytest

from tests.identity.membership_flows import CREATE_UNION, applicant, apply, codes, review
from unionhub.identity.codes import credit_code_check_char
from unionhub.identity.models import CardStatus, Member, MemberCard, Union


def credit_code(region: str, body: str = "MA6TG1234", wrong: bool = False) -> str:
    code = "81" + region + body
    check = credit_code_check_char(code)
    if wrong:
        check = "0" if check != "0" else "1"
    return code + check


async def create_union(gql, cadre, parent: Union, *, name="雁塔区新就业形态联合工会",
                       level="GRASSROOTS", region=None, credit=None):
    r = await gql(CREATE_UNION, {"input": {
        "name": name, "level": level, "regionCode": region or parent.region_code,
        "parentId": str(parent.id), "creditCode": credit}}, token=cadre.token)
    return r


async def test_a_wrong_credit_code_check_char_is_kept_with_a_warning(gql, factory):
    tree = await factory.tree()
    county = tree.counties["A"]
    cadre = await factory.cadre(county)
    code = credit_code("610113", wrong=True)
    r = await create_union(gql, cadre, county, credit=code)
    out = r.data["createUnion"]
    assert out["errors"] == []
    assert len(out["warnings"]) == 1 and "check character" in out["warnings"][0]
    union = out["union"]
    assert union["level"] == "GRASSROOTS" and union["parent"]["id"] == str(county.id)
    assert union["joinCode"]  # the creator's scope holds it
    row = await Union.get(id=int(union["id"]))
    assert row.credit_code == code and row.path == f"{county.path}{row.id}/"


async def test_a_valid_credit_code_has_no_warnings(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.cities["xian"])
    out = (await create_union(gql, cadre, tree.counties["A"],
                              credit=credit_code("610113").lower())).data["createUnion"]
    assert out["errors"] == [] and out["warnings"] == []
    assert (await Union.get(id=int(out["union"]["id"]))).credit_code == credit_code("610113")


async def test_a_union_without_a_credit_code_is_fine(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    out = (await create_union(gql, cadre, tree.counties["A"])).data["createUnion"]
    assert out["errors"] == [] and out["warnings"] == []


@pytest.mark.parametrize("code", ["81610113MA6TG123", "81610113MA6TG12345X", "81610113MA6TG123IO",
                                  "81610113 MA6TG123"])
async def test_a_malformed_credit_code_is_refused(gql, factory, code):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    before = await Union.all().count()
    out = (await create_union(gql, cadre, tree.counties["A"], credit=code)).data["createUnion"]
    assert codes(out) == [("CREDIT_CODE_FORMAT", "creditCode")]
    assert await Union.all().count() == before


async def test_creating_a_union_outside_the_cadres_scope_is_forbidden(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    before = await Union.all().count()
    r = await create_union(gql, cadre, tree.counties["B"], credit=credit_code("610103"))
    assert r.error_codes() == ["FORBIDDEN"] and r.data.get("createUnion") is None
    # Nor above the cadre's own org.
    r = await create_union(gql, cadre, tree.cities["xian"], level="COUNTY", region="610116",
                           name="长安区总工会")
    assert r.error_codes() == ["FORBIDDEN"]
    member = await factory.account(tree.grassroots["A"][0])
    r = await create_union(gql, member, tree.counties["A"])
    assert r.error_codes() == ["FORBIDDEN"]
    assert await Union.all().count() == before


@pytest.mark.parametrize(("parent_key", "level", "region", "code"), [
    ("A", "GRASSROOTS", "610302", "REGION_CODE_OUTSIDE_PARENT"),   # Baoji's Weibin under Yanta
    ("A", "GRASSROOTS", "620102", "REGION_CODE_OUTSIDE_PARENT"),   # Gansu
    ("xian", "COUNTY", "610302", "REGION_CODE_OUTSIDE_PARENT"),    # Baoji county under Xi'an
    ("province", "CITY", "620100", "REGION_CODE_OUTSIDE_PARENT"),  # Lanzhou under Shaanxi
    ("province", "CITY", "610116", "REGION_CODE_LEVEL"),           # a city code ends in 00
    ("A", "GRASSROOTS", "61011", "REGION_CODE_FORMAT"),
    ("A", "GRASSROOTS", "61011X", "REGION_CODE_FORMAT"),
    ("A", "COUNTY", "610113", "LEVEL_MISMATCH"),
])
async def test_region_codes_must_fit_the_parent(gql, factory, parent_key, level, region, code):
    tree = await factory.tree()
    parent = {"province": tree.province, "xian": tree.cities["xian"]}.get(parent_key) \
        or tree.counties.get(parent_key)
    cadre = await factory.cadre(tree.province)
    before = await Union.all().count()
    out = (await create_union(gql, cadre, parent, level=level, region=region,
                              name="新建工会组织")).data["createUnion"]
    assert out["union"] is None
    assert [e["code"] for e in out["errors"]] == [code]
    assert await Union.all().count() == before


@pytest.mark.parametrize(("parent_key", "level", "region"), [
    ("xian", "COUNTY", "610116"),
    ("province", "CITY", "610400"),
    ("A", "GRASSROOTS", "610113"),
])
async def test_region_codes_inside_the_parent_are_accepted(gql, factory, parent_key, level,
                                                           region):
    tree = await factory.tree()
    parent = {"province": tree.province, "xian": tree.cities["xian"]}.get(parent_key) \
        or tree.counties.get(parent_key)
    cadre = await factory.cadre(tree.province)
    out = (await create_union(gql, cadre, parent, level=level, region=region,
                              name="新建工会组织")).data["createUnion"]
    assert out["errors"] == [] and out["union"]["regionCode"] == region
    row = await Union.get(id=int(out["union"]["id"]))
    assert (row.join_code is not None) == (level == "GRASSROOTS")


async def test_a_new_grassroots_union_takes_members_by_its_join_code(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    out = (await create_union(gql, cadre, tree.counties["A"])).data["createUnion"]
    worker = await applicant(factory)
    application = (await apply(gql, worker, out["union"]["joinCode"]))["application"]
    approved = (await review(gql, cadre, application["id"], True)).data["reviewJoinApplication"]
    assert approved["application"]["status"] == "APPROVED"
    assert (await Member.get(id=worker.member.id)).union_id == int(out["union"]["id"])
    assert (await MemberCard.get(member_id=worker.member.id)).status == CardStatus.ACTIVE
