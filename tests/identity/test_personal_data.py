"""Members' rights under PIPL through the GraphQL endpoint: the privacy notice and recorded
consent, the audited export of everything held, and the account closure after which the phone
and ID number register again and nothing personal remains in the member's rows."""

from __future__ import annotations

import asyncio

from tests.activities.helpers import ENROLL, STEPS, create, day
from tests.content.helpers import READ, published
from tests.mall.conftest import claim, create_campaign
from tests.services.helpers import make_item
from tests.sms import sms_code
from unionhub.activities.models import ReadingRecord
from unionhub.content.reads import flush_reads
from unionhub.identity.accounts import id_number_index
from unionhub.identity.crypto import encrypt
from unionhub.identity.models import (
    AuditLog,
    CardStatus,
    Member,
    MemberCard,
    MembershipExit,
    RefreshToken,
)
from unionhub.identity.privacy import CURRENT
from unionhub.identity.seed import DEMO_PASSWORD
from unionhub.mall.models import Voucher, VoucherStatus
from unionhub.schema.context import ID_NUMBER_READ
from unionhub.services.models import ServiceRequest

NOTICE = "{ privacyNotice { version text } }"
VERIFY = """mutation V($input: VerifyIdentityInput!) { verifyIdentity(input: $input) {
  member { tier } errors { code field } } }"""
REGISTER = """mutation R($input: RegisterInput!) { register(input: $input) {
  accessToken refreshToken member { id } errors { code } } }"""
LOGIN = """mutation L($input: LoginInput!) { login(input: $input) { accessToken errors { code } } }"""
EXPORT = "{ myPersonalData }"
CLOSE = """mutation C($input: CloseAccountInput!) { closeAccount(input: $input) {
  closed errors { code field } } }"""
VALID_ID = "11010519491231002X"


async def _registered(gql, phone: str = "13812345670") -> dict:
    r = await gql(REGISTER, {"input": {"phone": phone, "password": "correct-horse-9",
                                       "smsCode": await sms_code(gql, phone)}})
    assert r.data["register"]["errors"] == []
    return r.data["register"]


async def test_the_privacy_notice_is_public(gql, factory):
    r = await gql(NOTICE)
    assert r.errors == []
    assert r.data["privacyNotice"] == {"version": CURRENT.version, "text": CURRENT.text}
    assert "身份证" in CURRENT.text


async def test_verification_records_consent_to_the_current_notice(gql, factory):
    await factory.tree()
    session = await _registered(gql)
    member_id = int(session["member"]["id"])
    for consent, code in ((None, "CONSENT_REQUIRED"), ("  ", "CONSENT_REQUIRED"),
                          ("2020-01-01", "CONSENT_VERSION_OUTDATED")):
        body = {"name": "张三丰", "idNumber": VALID_ID}
        if consent is not None:
            body["consentVersion"] = consent
        r = await gql(VERIFY, {"input": body}, token=session["accessToken"])
        assert r.data["verifyIdentity"]["errors"] == [{"code": code, "field": "consentVersion"}]
        member = await Member.get(id=member_id)
        assert (member.verified_at, member.id_number_bidx, member.consent_version) == (
            None, None, None)
    r = await gql(VERIFY, {"input": {"name": "张三丰", "idNumber": VALID_ID,
                                     "consentVersion": CURRENT.version}},
                  token=session["accessToken"])
    assert r.data["verifyIdentity"]["errors"] == []
    member = await Member.get(id=member_id)
    assert member.consent_version == CURRENT.version
    assert member.consented_at == member.verified_at is not None


async def _member_with_everything(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0], name="王小明")
    cadre = await factory.cadre(tree.counties["A"])
    campaign = await create_campaign(gql, cadre, str(tree.counties["A"].id))
    assert (await claim(gql, member, campaign["id"]))["errors"] == []
    item = await make_item(cadre, tree.counties["A"])
    r = await gql("""mutation S($input: SubmitServiceRequestInput!) {
        submitServiceRequest(input: $input) { errors { code } } }""",
                  {"input": {"itemId": str(item.id), "details": "拖欠工资三个月，联系人王小明"}},
                  token=member.token)
    assert r.data["submitServiceRequest"]["errors"] == []
    walk = await create(gql, cadre, tree.counties["A"])
    assert (await gql(ENROLL, {"id": walk["id"]}, token=member.token)).errors == []
    r = await gql(STEPS, {"id": walk["id"], "date": day(0), "steps": 8000}, token=member.token)
    assert r.data["submitSteps"]["errors"] == []
    return tree, member, cadre


async def test_the_export_holds_every_domain_unmasked_and_is_audited(gql, factory):
    tree, member, cadre = await _member_with_everything(gql, factory)
    article_id = int(await published(gql, await factory.cadre(tree.counties["A"]), cadre,
                                     tree.counties["A"]))
    read = await gql(READ, {"id": str(article_id)}, token=member.token)
    assert read.data["markArticleRead"]["counted"] is True
    await flush_reads()
    await gql("query M($id: ID!) { member(id: $id) { idNumber } }", {"id": member.id},
              token=cadre.token)  # a cadre's audited read: part of the member's own entries

    r = await gql(EXPORT, token=member.token)
    assert r.errors == []
    data = r.data["myPersonalData"]
    assert data["member_id"] == member.id and data["privacy_notice_version"] == CURRENT.version
    identity = data["identity"]["identity"]
    assert (identity["phone"], identity["legal_name"], identity["id_number"]) == (
        member.phone, "王小明", member.id_number)
    assert identity["consent_version"] == CURRENT.version
    assert [c["status"] for c in data["identity"]["cards"]] == ["ACTIVE"]
    assert data["identity"]["profile"]["union"]["name"]
    reads = [e for e in data["identity"]["audit_entries"] if e["action"] == ID_NUMBER_READ]
    assert [(e["actor_id"], e["subject_id"]) for e in reads] == [(cadre.member.id, member.id)]
    assert [v["status"] for v in data["mall"]["vouchers"]] == ["AVAILABLE"]
    assert data["mall"]["orders"] == []
    [request] = data["services"]["service_requests"]
    assert request["details"] == "拖欠工资三个月，联系人王小明"
    assert [s["steps"] for s in data["activities"]["step_records"]] == [8000]
    assert len(data["activities"]["enrollments"]) == 1
    assert [r["article_id"] for r in data["content"]["article_reads"]] == [article_id]

    [row] = await AuditLog.filter(action="identity.personal_data.export")
    assert (row.actor_id, row.subject_id) == (member.member.id, member.id)
    assert row.detail == {"sections": ["activities", "content", "identity", "mall", "services"]}
    assert (await gql(EXPORT)).error_codes() == ["UNAUTHENTICATED"]


async def test_closure_erases_personal_data_and_the_phone_registers_again(gql, factory):
    tree, member, cadre = await _member_with_everything(gql, factory)
    # A pair the sandbox verifier knows, so "verifies again" is the authority's yes.
    legal_name, id_number = "钱五", "610111196601110009"
    await Member.filter(id=member.member.id).update(
        name_enc=encrypt(legal_name, "name", owner=member.member.id),
        id_number_enc=encrypt(id_number, "id_number", owner=member.member.id),
        id_number_bidx=id_number_index(id_number))
    number = (await MemberCard.get(member_id=member.member.id)).number
    login = await gql(LOGIN, {"input": {"phone": member.phone, "password": DEMO_PASSWORD}})
    assert login.data["login"]["errors"] == []

    r = await gql(CLOSE, {"input": {"password": DEMO_PASSWORD}}, token=member.token)
    assert r.data["closeAccount"] == {"closed": True, "errors": []}

    row = await Member.get(id=member.member.id)
    assert row.closed_at is not None and row.consent_version == CURRENT.version
    assert (row.name_enc, row.id_number_enc, row.id_number_bidx, row.verified_at) == (
        None, None, None, None)
    assert row.phone_enc == "" and row.phone_bidx == f"closed:{row.id}"
    assert row.display_name == "已注销用户" and row.joined_at is None
    assert row.union_id == tree.pool.id
    # Nothing personal in any of the member's rows, read as the database holds them.
    text = str(await Member.filter(id=row.id).values())
    for secret in (member.phone, member.phone[-4:], member.id_number, id_number, legal_name,
                   "王小明"):
        assert secret not in text
    request = await ServiceRequest.get(member_id=row.id)
    assert request.details_enc == "" and request.field_values_enc == ""
    assert [c.status for c in await MemberCard.filter(member_id=row.id)] == [CardStatus.CANCELLED]
    assert [v.status for v in await Voucher.filter(member_id=row.id)] == [VoucherStatus.VOID]
    assert await RefreshToken.filter(member_id=row.id, revoked_at=None).count() == 0
    assert (await MembershipExit.get(member_id=row.id)).kind == "ACCOUNT_CLOSED"
    [closed] = await AuditLog.filter(action="identity.account.close")
    assert closed.subject_id == str(row.id)  # audit rows stay, under the id (the pseudonym)

    # The account is gone from the lookup, the card finds no one, sign-in fails.
    assert (await gql("{ me { id } }", token=member.token)).data["me"] is None
    found = await gql("query C($c: String!) { member(cardNo: $c) { id } }", {"c": number},
                      token=cadre.token)
    assert found.data["member"] is None
    again = await gql(LOGIN, {"input": {"phone": member.phone, "password": DEMO_PASSWORD}})
    assert again.data["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    # The phone registers again, and the ID number verifies again, as a new member.
    fresh = await _registered(gql, member.phone)
    assert fresh["member"]["id"] != member.id
    r = await gql(VERIFY, {"input": {"name": legal_name, "idNumber": id_number,
                                     "consentVersion": CURRENT.version}},
                  token=fresh["accessToken"])
    assert r.data["verifyIdentity"]["errors"] == []
    # The old access token (valid for minutes yet) cannot put personal data back.
    r = await gql(VERIFY, {"input": {"name": "王小明", "idNumber": VALID_ID,
                                     "consentVersion": CURRENT.version}}, token=member.token)
    assert [e["code"] for e in r.data["verifyIdentity"]["errors"]] == ["NOT_FOUND"]
    assert (await Member.get(id=row.id)).name_enc is None
    # A second closure with the old token: the account is already closed.
    r = await gql(CLOSE, {"input": {"password": DEMO_PASSWORD}}, token=member.token)
    assert r.data["closeAccount"]["errors"] == [{"code": "ACCOUNT_CLOSED", "field": None}]
    assert (await gql(EXPORT, token=member.token)).errors[0]["extensions"]["reason"] == \
        "ACCOUNT_CLOSED"


async def _snapshot(member_id: int) -> tuple:
    member = await Member.get(id=member_id)
    return (member.phone_bidx, member.name_enc, member.id_number_bidx, member.closed_at,
            member.union_id, [c.status for c in await MemberCard.filter(member_id=member_id)],
            [v.status for v in await Voucher.filter(member_id=member_id)],
            await RefreshToken.filter(member_id=member_id, revoked_at=None).count())


async def test_closure_refusals_change_nothing(gql, factory):
    _, member, _ = await _member_with_everything(gql, factory)
    await gql(LOGIN, {"input": {"phone": member.phone, "password": DEMO_PASSWORD}})
    before = await _snapshot(member.member.id)
    cases = (({"password": "wrong-password"}, "WRONG_PASSWORD", "password"),
             ({"password": "x" * 5000}, "WRONG_PASSWORD", "password"),
             ({}, "CONFIRMATION_REQUIRED", "password"),
             ({"password": DEMO_PASSWORD, "smsCode": "123456"}, "CONFIRMATION_REQUIRED",
              "password"),
             ({"smsCode": "123456"}, "SMS_CODE_INVALID", "smsCode"))
    for body, code, field in cases:
        r = await gql(CLOSE, {"input": body}, token=member.token)
        assert r.data["closeAccount"] == {"closed": False,
                                          "errors": [{"code": code, "field": field}]}
    assert await _snapshot(member.member.id) == before
    assert await AuditLog.filter(action="identity.account.close").count() == 0


async def test_wrong_passwords_are_limited(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    codes = []
    for _ in range(7):
        r = await gql(CLOSE, {"input": {"password": "guess-guess"}}, token=member.token)
        codes.append(r.data["closeAccount"]["errors"][0]["code"])
    assert codes[0] == "WRONG_PASSWORD" and codes[-1] == "RATE_LIMITED"
    r = await gql(CLOSE, {"input": {"password": DEMO_PASSWORD}}, token=member.token)
    assert r.data["closeAccount"]["errors"][0]["code"] == "RATE_LIMITED"
    assert (await Member.get(id=member.member.id)).closed_at is None


async def test_concurrent_closures_close_once(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    results = await asyncio.gather(*(
        gql(CLOSE, {"input": {"password": DEMO_PASSWORD}}, token=member.token)
        for _ in range(3)))
    codes = sorted(tuple(e["code"] for e in r.data["closeAccount"]["errors"]) for r in results)
    assert codes == [(), ("ACCOUNT_CLOSED",), ("ACCOUNT_CLOSED",)]
    assert await AuditLog.filter(action="identity.account.close").count() == 1
    assert await MembershipExit.filter(member_id=member.member.id).count() == 1


async def test_a_member_who_never_joined_closes_and_registers_again(gql, factory):
    await factory.tree()
    session = await _registered(gql, "13812345679")
    r = await gql(CLOSE, {"input": {"password": "correct-horse-9"}},
                  token=session["accessToken"])
    assert r.data["closeAccount"] == {"closed": True, "errors": []}
    assert await MembershipExit.all().count() == 0  # no membership to end
    refreshed = await gql("""mutation R($input: RefreshTokenInput!) { refreshToken(input: $input) {
        errors { code } } }""", {"input": {"refreshToken": session["refreshToken"]}})
    assert refreshed.data["refreshToken"]["errors"] == [{"code": "TOKEN_REVOKED"}]
    again = await _registered(gql, "13812345679")
    assert again["member"]["id"] != session["member"]["id"]


READING = """mutation R($id: ID!, $d: Date!, $m: Int!, $t: String!) {
  recordReading(input: {activityId: $id, date: $d, minutes: $m, title: $t}) { errors { code } } }"""
LEAVE = """mutation L($input: LeaveUnionInput!) { leaveUnion(input: $input) { errors { code } } }"""


async def test_what_the_member_read_and_wrote_is_exported_and_erased_on_closure(gql, factory):
    """A reading activity's records (the titles the member typed) were missing from the export
    and outlived the closure, as did the member's own reason for leaving their union (their
    words, like a transfer's reason, which the closure erases)."""
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    cadre = await factory.cadre(tree.counties["A"])
    reading = await create(gql, cadre, tree.counties["A"], "READING")
    assert (await gql(ENROLL, {"id": reading["id"]}, token=member.token)).errors == []
    r = await gql(READING, {"id": reading["id"], "d": day(0), "m": 45, "t": "圣经故事"},
                  token=member.token)
    assert r.data["recordReading"]["errors"] == []
    r = await gql(LEAVE, {"input": {"reason": "离婚后搬回老家照顾母亲"}}, token=member.token)
    assert r.data["leaveUnion"]["errors"] == []

    data = (await gql(EXPORT, token=member.token)).data["myPersonalData"]
    assert [(x["minutes"], x["title"]) for x in data["activities"]["reading_records"]] == [
        (45, "圣经故事")]
    assert [x["reason"] for x in data["identity"]["memberships"]["exits"]] == [
        "离婚后搬回老家照顾母亲"]

    r = await gql(CLOSE, {"input": {"password": DEMO_PASSWORD}}, token=member.token)
    assert r.data["closeAccount"] == {"closed": True, "errors": []}
    [record] = await ReadingRecord.filter(member_id=member.member.id)
    assert (record.minutes, record.title) == (45, "")  # the union's totals keep the minutes
    [left] = await MembershipExit.filter(member_id=member.member.id)
    assert (left.kind, left.reason) == ("LEFT", None)
