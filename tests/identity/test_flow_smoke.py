"""One member's path through the API: register, verify, join, look up by card."""

from __future__ import annotations

from tests.sms import sms_code
from unionhub.identity.privacy import CURRENT

REGISTER = """mutation Register($input: RegisterInput!) {
  register(input: $input) { accessToken refreshToken member { id displayName tier } errors { code field message } }
}"""
VERIFY = """mutation Verify($input: VerifyIdentityInput!) {
  verifyIdentity(input: $input) { member { id name idNumber tier } errors { code field } }
}"""
JOIN = """mutation Join($input: ApplyToJoinInput!) {
  applyToJoin(input: $input) { application { id status union { name } } errors { code } }
}"""
ME = "query Me { me { id tier phone name idNumber card { number status } union { name } } }"

CONSENT = CURRENT.version  # verifyIdentity records consent to the current notice


async def test_register_verify_join_and_lookup(gql, factory):
    tree = await factory.tree()
    auto = tree.grassroots["A"][1]  # auto-approving union
    code = await sms_code(gql, "13812345678")  # as in development: the sandbox's code
    reg = await gql(REGISTER, {"input": {"phone": "13812345678", "password": "long-enough-1",
                                         "smsCode": code}})
    assert reg.data["register"]["errors"] == []
    token = reg.data["register"]["accessToken"]
    assert reg.data["register"]["member"]["tier"] == "MEMBER"

    ver = await gql(VERIFY, {"input": {"name": "张三丰", "idNumber": "11010519491231002X",
                                       "consentVersion": CONSENT}},
                    token=token)
    assert ver.data["verifyIdentity"]["errors"] == []
    assert ver.data["verifyIdentity"]["member"]["idNumber"] == "11010519491231002X"

    join = await gql(JOIN, {"input": {"joinCode": auto.join_code}}, token=token)
    assert join.data["applyToJoin"]["application"]["status"] == "APPROVED"

    me = await gql(ME, token=token)
    assert me.errors == []
    m = me.data["me"]
    assert m["tier"] == "VERIFIED" and m["phone"] == "13812345678"
    assert m["card"]["status"] == "ACTIVE" and len(m["card"]["number"]) == 19
    assert m["union"]["name"] == auto.name

    cadre = await factory.cadre(tree.counties["A"])
    lookup = await gql("query L($c: String!) { member(cardNo: $c) { id phone name } }",
                       {"c": m["card"]["number"]}, token=cadre.token)
    assert lookup.data["member"] == {"id": m["id"], "phone": "13812345678", "name": "张三丰"}
    outsider = await factory.cadre(tree.counties["B"])
    hidden = await gql("query L($c: String!) { member(cardNo: $c) { id } }",
                       {"c": m["card"]["number"]}, token=outsider.token)
    assert hidden.data["member"] is None
