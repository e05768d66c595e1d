"""The sandbox SMS provider: sends nothing, keeps each code it "sent" in the `sandbox_sms`
table (encrypted), so that `unionhub sandbox sms PHONE`, a separate process, can print it in
the embedded mode (SQLite + in-process fakeredis) as well as on PostgreSQL. Development and
tests only: production settings refuse it."""

from __future__ import annotations

from unionhub.clock import utcnow
from unionhub.identity.crypto import blind_index, decrypt, encrypt
from unionhub.identity.models import SandboxSms, SmsCode, SmsPurpose
from unionhub.settings import get_settings


class SandboxSmsProvider:
    name = "sandbox"

    async def send_code(self, phone: str, code: str, purpose: SmsPurpose) -> None:
        await SandboxSms.create(phone_bidx=blind_index(phone, "phone"), purpose=purpose,
                                code_enc=encrypt(code, "sandbox_sms", owner=None))

    async def close(self) -> None:
        return None


async def latest_live_code(phone: str) -> tuple[str, SmsPurpose] | None:
    """The newest code "sent" to this phone that would still be accepted (not expired, not
    used, tries left), with its purpose; None when there is none."""
    from unionhub.identity.sms_codes import code_hash

    bidx = blind_index(phone.strip(), "phone")
    now = utcnow()
    live = await SmsCode.filter(phone_bidx=bidx, consumed_at=None, expires_at__gt=now,
                                attempts__lt=get_settings().sms_code_max_tries).order_by("-id")
    if not live:
        return None
    sent = await SandboxSms.filter(phone_bidx=bidx).order_by("-id").limit(50)
    for row in live:
        if row.id != (await SmsCode.filter(phone_bidx=bidx, purpose=row.purpose)
                      .order_by("-id").first().values_list("id", flat=True)):
            continue  # superseded by a newer code for the same purpose
        for message in sent:
            code = decrypt(message.code_enc, "sandbox_sms", owner=None)
            if message.purpose == row.purpose and code_hash(bidx, row.purpose, code) == row.code_hash:
                return code, row.purpose
    return None
