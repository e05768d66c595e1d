"""What a refused SMS code says, and to whom: a stranger guessing at a phone learns nothing
about it; the phone's holder learns that a code died and a new one is needed."""

from __future__ import annotations

from datetime import timedelta

from tests.identity.phone_flows import PHONE, RESET, codes, sign_up
from tests.sms import sms_code
from unionhub.clock import utcnow
from unionhub.identity.models import AuditLog, Member, SmsCode


async def test_a_dead_code_is_told_only_to_whoever_holds_it(gql, factory):
    """A stranger guessing at a phone learns nothing about it: a code that expired or ran out
    of tries answers a wrong guess as a phone nobody asked a code for does (SMS_CODE_INVALID),
    so the answer does not say that a code was asked for (for RESET_PASSWORD: likely that an
    account exists). The phone's holder, who has the code, still learns it is dead."""
    await factory.tree()
    await sign_up(gql)
    other = "13700001234"  # no account, no code ever
    before = (await Member.get()).password_hash

    def attempt(phone: str, code: str) -> dict:
        return {"input": {"phone": phone, "smsCode": code, "newPassword": "another-long-1"}}

    async def answer(phone: str, code: str) -> list[str]:
        return codes((await gql(RESET, attempt(phone, code))).data["resetPassword"])

    for dead in ("expired", "tries"):
        code = await sms_code(gql, PHONE, "RESET_PASSWORD")
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        if dead == "expired":
            await SmsCode.all().update(expires_at=utcnow() - timedelta(seconds=1))
        else:
            await SmsCode.all().update(attempts=5)
        assert await answer(PHONE, wrong) == await answer(other, wrong) == [
            "SMS_CODE_INVALID"], dead
        held = {"expired": "SMS_CODE_EXPIRED", "tries": "SMS_CODE_TRIES_EXHAUSTED"}[dead]
        assert await answer(PHONE, code) == [held]
    assert await AuditLog.filter(action="identity.password.reset").count() == 0
    assert (await Member.get()).password_hash == before  # nothing changed
