"""Step-up confirmation (identity/confirmation.py): an access token alone can neither move an
account to another phone nor close it. The caller confirms with the password or a
CONFIRM_ACCOUNT code sent to the account's current phone; every refusal changes nothing and
leaves the codes usable."""

from __future__ import annotations

from tests.sms import register, sms_code
from unionhub.identity.crypto import blind_index
from unionhub.identity.models import AuditLog, Member, SmsCode, SmsPurpose

PHONE, NEW_PHONE, PASSWORD = "13812345678", "13900001111", "long-enough-1"
CHANGE = """mutation Change($input: ChangePhoneInput!) {
  changePhone(input: $input) { member { phone } errors { code field } } }"""
CLOSE = """mutation C($input: CloseAccountInput!) { closeAccount(input: $input) {
  closed errors { code field } } }"""
ME = "{ me { phone } }"


async def _sign_up(gql) -> str:
    out = await register(gql, PHONE, PASSWORD)
    assert out["errors"] == []
    return out["accessToken"]


def _errors(r, field: str) -> list[tuple[str, str]]:
    assert r.errors == [], r.errors
    return [(e["code"], e["field"]) for e in r.data[field]["errors"]]


async def _new_phone_code_unspent() -> bool:
    row = await SmsCode.filter(phone_bidx=blind_index(NEW_PHONE, "phone"),
                               purpose=SmsPurpose.CHANGE_PHONE).order_by("-id").first()
    return row is not None and row.attempts == 0 and row.consumed_at is None


async def test_a_token_alone_cannot_move_the_account(gql, factory):
    await factory.tree()
    token = await _sign_up(gql)
    code = await sms_code(gql, NEW_PHONE, "CHANGE_PHONE")
    cases = (({}, ("CONFIRMATION_REQUIRED", "password")),
             ({"password": "wrong-password"}, ("WRONG_PASSWORD", "password")),
             ({"password": PASSWORD, "currentPhoneCode": "123456"},
              ("CONFIRMATION_REQUIRED", "password")),
             ({"currentPhoneCode": "123456"}, ("SMS_CODE_INVALID", "currentPhoneCode")))
    for extra, expected in cases:
        r = await gql(CHANGE, {"input": {"newPhone": NEW_PHONE, "smsCode": code, **extra}},
                      token=token)
        assert _errors(r, "changePhone") == [expected], extra
    assert (await gql(ME, token=token)).data["me"]["phone"] == PHONE
    # The new phone's code was never tried: the confirmation is checked before it.
    assert await _new_phone_code_unspent()
    assert await AuditLog.filter(action="identity.phone.change").count() == 0


async def test_a_code_sent_to_the_current_phone_confirms_the_move(gql, factory):
    await factory.tree()
    token = await _sign_up(gql)
    current = await sms_code(gql, PHONE, "CONFIRM_ACCOUNT")
    login_code = await sms_code(gql, PHONE, "LOGIN")  # a code of another purpose does not do
    code = await sms_code(gql, NEW_PHONE, "CHANGE_PHONE")
    wrong = await gql(CHANGE, {"input": {"newPhone": NEW_PHONE, "smsCode": code,
                                         "currentPhoneCode": login_code}}, token=token)
    assert _errors(wrong, "changePhone") == [("SMS_CODE_INVALID", "currentPhoneCode")]
    r = await gql(CHANGE, {"input": {"newPhone": NEW_PHONE, "smsCode": code,
                                     "currentPhoneCode": current}}, token=token)
    assert _errors(r, "changePhone") == []
    assert r.data["changePhone"]["member"]["phone"] == NEW_PHONE
    # Both codes are used up with the change.
    assert await SmsCode.filter(purpose__in=[SmsPurpose.CONFIRM_ACCOUNT, SmsPurpose.CHANGE_PHONE],
                                consumed_at=None).count() == 0


async def test_a_refused_new_phone_code_leaves_the_confirmation_code_usable(gql, factory):
    await factory.tree()
    token = await _sign_up(gql)
    current = await sms_code(gql, PHONE, "CONFIRM_ACCOUNT")
    await sms_code(gql, NEW_PHONE, "CHANGE_PHONE")
    r = await gql(CHANGE, {"input": {"newPhone": NEW_PHONE, "smsCode": "000000",
                                     "currentPhoneCode": current}}, token=token)
    assert _errors(r, "changePhone")[0][1] == "smsCode"
    code = await sms_code(gql, NEW_PHONE, "CHANGE_PHONE")
    again = await gql(CHANGE, {"input": {"newPhone": NEW_PHONE, "smsCode": code,
                                         "currentPhoneCode": current}}, token=token)
    assert _errors(again, "changePhone") == []


async def test_guessing_the_password_through_change_phone_is_limited(gql, factory):
    await factory.tree()
    token = await _sign_up(gql)
    code = await sms_code(gql, NEW_PHONE, "CHANGE_PHONE")
    seen = []
    for _ in range(7):
        r = await gql(CHANGE, {"input": {"newPhone": NEW_PHONE, "smsCode": code,
                                         "password": "guess-guess"}}, token=token)
        seen.append(_errors(r, "changePhone")[0][0])
    assert seen[0] == "WRONG_PASSWORD" and seen[-1] == "RATE_LIMITED"
    # The limit is the account's, shared with closing it: the right password waits too.
    r = await gql(CLOSE, {"input": {"password": PASSWORD}}, token=token)
    assert _errors(r, "closeAccount")[0][0] == "RATE_LIMITED"
    assert (await gql(ME, token=token)).data["me"]["phone"] == PHONE


async def test_closing_by_a_code_sent_to_the_phone(gql, factory):
    await factory.tree()
    token = await _sign_up(gql)
    member_id = (await Member.get(phone_bidx=blind_index(PHONE, "phone"))).id
    login_code = await sms_code(gql, PHONE, "LOGIN")
    wrong = await gql(CLOSE, {"input": {"smsCode": login_code}}, token=token)
    assert _errors(wrong, "closeAccount") == [("SMS_CODE_INVALID", "smsCode")]
    code = await sms_code(gql, PHONE, "CONFIRM_ACCOUNT")
    r = await gql(CLOSE, {"input": {"smsCode": code}}, token=token)
    assert _errors(r, "closeAccount") == [] and r.data["closeAccount"]["closed"] is True
    assert (await Member.get(id=member_id)).closed_at is not None
    assert await SmsCode.filter(purpose=SmsPurpose.CONFIRM_ACCOUNT, consumed_at=None).count() == 0
