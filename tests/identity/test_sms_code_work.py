"""A wrong SMS code costs the same work whatever the phone has: no code ever, a live code, one
expired, one out of tries, one used. A live code's try alone was written (a committed UPDATE),
so the answer's time told a stranger that a code was asked for the phone (for RESET_PASSWORD:
likely an account). Compared by the statements sent and the rows written, never by timing."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.querycount import count_queries
from tests.sms import request_code
from unionhub.clock import utcnow
from unionhub.errors import ValidationFailed
from unionhub.identity import sms_codes
from unionhub.identity.models import SmsCheckDecoy, SmsCode, SmsPurpose

WRONG = "000000"  # the sandbox never sends it in these tests: checked below


def _shape(statement: str) -> tuple[str, ...]:
    verb = statement.split()[0].upper()
    return (verb, *re.findall(r'(?:FROM|UPDATE|INTO) "(\w+)"', statement))


async def _rows() -> set[tuple]:
    codes = await SmsCode.all().values_list("id", "attempts", "consumed_at")
    decoys = await SmsCheckDecoy.all().values_list("id", "flips")
    return {("code", *r) for r in codes} | {("decoy", *r) for r in decoys}


async def _work_of_a_wrong_guess(phone: str) -> tuple[list[tuple[str, ...]], int]:
    before = await _rows()
    with count_queries() as q:
        try:
            await sms_codes.check_code(phone, SmsPurpose.RESET_PASSWORD, WRONG)
        except ValidationFailed as exc:
            assert exc.code == "SMS_CODE_INVALID"
        else:
            raise AssertionError("a wrong code passed")
    after = await _rows()
    return [_shape(s) for s in q.statements], len(after - before)


async def test_a_wrong_code_costs_the_same_whatever_the_phone_has(gql, factory):
    await factory.tree()
    phones = {"no code": "13700000001", "live": "13700000002", "expired": "13700000003",
              "out of tries": "13700000004", "used": "13700000005"}
    for state, phone in phones.items():
        if state != "no code":
            await request_code(gql, phone, "RESET_PASSWORD")
    rows = {p: await SmsCode.get(phone_bidx=sms_codes.blind_index(p, "phone"))
            for p in list(phones.values())[1:]}
    assert not any(r.code_hash == sms_codes.code_hash(r.phone_bidx, r.purpose, WRONG)
                   for r in rows.values())
    await SmsCode.filter(id=rows[phones["expired"]].id).update(
        expires_at=utcnow() - timedelta(seconds=1))
    await SmsCode.filter(id=rows[phones["out of tries"]].id).update(attempts=5)
    await SmsCode.filter(id=rows[phones["used"]].id).update(consumed_at=utcnow())
    await _work_of_a_wrong_guess("13700000009")  # a first miss makes the decoys

    work = {state: await _work_of_a_wrong_guess(phone) for state, phone in phones.items()}
    assert work["live"] == ([("SELECT", "sms_codes"), ("UPDATE", "sms_codes")], 1), work
    # Each: one read, one committed write of one row (the live code's try, or a decoy's).
    shapes = {state: (len(statements), written) for state, (statements, written) in work.items()}
    assert set(shapes.values()) == {(2, 1)}, work
    assert all(s[0] == ("SELECT", "sms_codes") and s[1][0] == "UPDATE"
               for s, _ in work.values()), work
