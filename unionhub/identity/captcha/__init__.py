"""Human checks (滑块验证码) in front of SMS codes, behind one interface chosen by
UNIONHUB_CAPTCHA_PROVIDER: `tencent` (Tencent Cloud Captcha, DescribeCaptchaResult 2019-07-22,
through tencentcloud-sdk-python-captcha's async client) or `sandbox` (passes the ticket
SANDBOX_TICKET only; refused in production).

Why: a phone's daily SMS budget is shared by everyone who types that number, so a stranger
could spend it all and lock the owner out of SMS sign-in for the day. Past
UNIONHUB_SMS_CODES_BEFORE_CAPTCHA codes a day, a phone's next code needs a solved captcha
(identity/sms_codes.py): draining a budget then costs a human per code.

`verify(proof, client_ip, phone_bidx)` returns when the ticket is good, raises ValidationFailed
(CAPTCHA_INVALID) when it is not (wrong, expired, reused) and ProviderUnavailable
(CAPTCHA_PROVIDER_UNAVAILABLE) when the service cannot answer. Never logs the ticket.

A ticket passes once here too, not only at the service (whose reuse refusal we cannot see
fail): a ticket the service accepts is claimed in Redis (SET NX of its keyed hash, kept
TICKET_GUARD_SECONDS, past the ticket's 5-minute validity), and a second use is CAPTCHA_INVALID
however the service answers. While Redis is down the claim is made in this process's own store,
as every SMS-path limit is counted then (`ratelimit.run`): a replay to the same process is still
refused; across processes the service's own reuse refusal and the phone's daily cap, database
rows, still stand. The sandbox's public ticket is not claimed. A ticket whose code did not go
out (the window refused it, the gateway said it did not send) is given back to its phone
(`give_back`): it passes once more for that phone, without the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from unionhub import ratelimit
from unionhub.errors import ValidationFailed
from unionhub.identity import sms_providers  # noqa: F401  (quiets the SDKs' DEBUG logs)
from unionhub.identity.crypto import blind_index
from unionhub.identity.provider_errors import ProviderUnavailable, require
from unionhub.settings import Settings, get_settings

UNAVAILABLE = "CAPTCHA_PROVIDER_UNAVAILABLE"
SANDBOX_TICKET = "sandbox-pass"  # the sandbox's public test ticket
MAX_TICKET, MAX_RANDSTR = 4096, 128
TICKET_GUARD_SECONDS = 600  # Tencent's tickets expire after 5 minutes (CaptchaCode 8)
# SET NX EX as a script, so that `ratelimit.run` can run it on its per-process store too.
CLAIM_SCRIPT = "return redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) and 1 or 0"
# A claimed ticket whose code was not sent is marked as owed to its phone (GIVE_BACK), and
# the mark is taken back by one later use for that phone (REDEEM): one ticket, one code sent.
GIVE_BACK_SCRIPT = """
if redis.call('GET', KEYS[1]) ~= '1' then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'XX', 'KEEPTTL')
return 1
"""
REDEEM_SCRIPT = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], '1', 'XX', 'KEEPTTL')
return 1
"""


@dataclass(frozen=True)
class CaptchaProof:
    """What the front-end's captcha widget hands back once the person has solved it."""

    ticket: str
    randstr: str


class CaptchaVerifier(Protocol):
    name: str
    single_use: bool  # its tickets pass once (the sandbox's public ticket passes always)

    async def check(self, proof: CaptchaProof, client_ip: str) -> bool: ...

    async def close(self) -> None: ...


def invalid() -> ValidationFailed:
    return ValidationFailed("the captcha was not solved, or its ticket expired or was used; "
                            "solve it again", field="captcha", code="CAPTCHA_INVALID")


def required() -> ValidationFailed:
    return ValidationFailed("this phone has had several codes today: solve the captcha and "
                            "ask again with it", field="captcha", code="CAPTCHA_REQUIRED")


def unavailable() -> ProviderUnavailable:
    return ProviderUnavailable("the captcha service is unavailable; try again shortly",
                               code=UNAVAILABLE)


def check_configuration(settings: Settings) -> None:
    if settings.captcha_provider == "tencent":
        require(settings, ["tencentcloud_secret_id", "tencentcloud_secret_key",
                           "tencent_captcha_app_id", "tencent_captcha_app_secret_key"],
                "tencent captcha")


_verifier: CaptchaVerifier | None = None


def get_captcha_verifier() -> CaptchaVerifier:
    global _verifier
    if _verifier is None:
        settings = get_settings()
        check_configuration(settings)
        if settings.captcha_provider == "tencent":
            from unionhub.identity.captcha.tencent import TencentCaptcha

            _verifier = TencentCaptcha(settings)
        else:
            from unionhub.identity.captcha.sandbox import SandboxCaptcha

            _verifier = SandboxCaptcha()
    return _verifier


async def reset_captcha_verifier() -> None:
    global _verifier
    if _verifier is not None:
        await _verifier.close()
    _verifier = None


@dataclass(frozen=True)
class Passed:
    """A ticket that passed for a phone: `give_back` it when no code went out."""

    claim: str | None  # the ticket's claim key (None: the sandbox's public ticket)
    phone_bidx: str


async def verify(proof: CaptchaProof, client_ip: str | None, phone_bidx: str) -> Passed:
    """Pass the ticket for the phone (its blind index), or raise. A ticket given back for
    this phone (`give_back`: its code was not sent) passes once more without the service,
    which would refuse it as reused."""
    ticket, randstr = proof.ticket.strip(), proof.randstr.strip()
    if (not ticket or not randstr or len(ticket) > MAX_TICKET or len(randstr) > MAX_RANDSTR
            or not (ticket + randstr).isascii() or not (ticket + randstr).isprintable()):
        # Cannot be a ticket: no call to the service (a U+202E made the sandbox's
        # compare_digest raise, an internal error).
        raise invalid()
    verifier = get_captcha_verifier()
    claim = _claim_key(ticket) if verifier.single_use else None
    owed = _owed_to(phone_bidx)
    if claim is not None and int(await ratelimit.run("captcha_ticket", REDEEM_SCRIPT, [claim],
                                                     [owed])):
        return Passed(claim, phone_bidx)
    if not await verifier.check(CaptchaProof(ticket, randstr), client_ip or ""):
        raise invalid()
    if claim is not None and not await _claim(claim):
        raise invalid()  # replayed: answered as the service answers a reused ticket
    return Passed(claim, phone_bidx)


async def give_back(passed: Passed) -> None:
    """The code the ticket was for did not go out (the gateway said it did not send, or the
    phone's window refused it): the person solved the captcha for nothing, so the ticket may
    pass once more, for this phone only, while its claim lives."""
    if passed.claim is not None:
        await ratelimit.run("captcha_ticket", GIVE_BACK_SCRIPT, [passed.claim],
                            [_owed_to(passed.phone_bidx)])


def _claim_key(ticket: str) -> str:
    return f"captcha:used:v1:{blind_index(ticket, 'captcha_ticket')}"


def _owed_to(phone_bidx: str) -> str:
    return f"owed:{phone_bidx[:32]}"


async def _claim(key: str) -> bool:
    """First use of a ticket the service passed? Claimed after the service's answer, so a
    refusal or an outage there leaves the ticket usable. Redis down: claimed per process."""
    claimed = await ratelimit.run("captcha_ticket", CLAIM_SCRIPT, [key],
                                  [str(TICKET_GUARD_SECONDS)])
    return bool(int(claimed))
