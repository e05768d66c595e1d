"""One-time SMS codes that prove a phone belongs to the caller (手机号验证码).

- 6 digits from `secrets`, valid UNIONHUB_SMS_CODE_TTL_SECONDS (300), at most
  UNIONHUB_SMS_CODE_MAX_TRIES (5) tries; stored only as a keyed hash bound to the phone and
  purpose. Only the newest code of a phone and purpose counts.
- At most one code per phone per UNIONHUB_SMS_RESEND_SECONDS (60) and
  UNIONHUB_SMS_CODES_PER_PHONE_PER_DAY per Shanghai day, claimed by conditional UPDATEs on
  the phone's `sms_send_windows` row (concurrent requests send one code); at most
  UNIONHUB_SMS_CODES_PER_IP_PER_DAY per client address (a Redis counter).
- Past UNIONHUB_SMS_CODES_BEFORE_CAPTCHA codes a day, a phone's next code needs a solved
  captcha (identity/captcha/): the same conditional UPDATE takes the window only below that
  count unless a captcha passed, so concurrent requests cannot slip past it either.
- Codes, tries and send windows are database rows, not Redis keys: a Redis flush must not
  reset the try counter (five fresh guesses at every live code) nor the per-phone windows
  (SMS bombing, paid messages). Only the per-address counter lives in Redis, and lets requests
  through while Redis is down, like every limiter (ratelimit.py).
- A send whose outcome is unknown (no answer within UNIONHUB_SMS_TIMEOUT_SECONDS) keeps the
  window taken and the code usable: it may have been delivered. Only a gateway that said it
  did not send (or could not be reached) gives the window back.
- `request_code` answers the same for registered and unregistered phones and sends in both
  cases: what differs reaches only the phone's owner. So does `check_code`: a code that
  expired or ran out of tries is said so only to whoever types it right (`_why_dead`), and
  every wrong guess does the same work whatever codes the phone has (`check_code`).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from unionhub.clock import SHANGHAI, utcnow
from unionhub.crypto.keyring import Key, key_id_of, keyring
from unionhub.errors import RateLimited, ValidationFailed
from unionhub.identity import captcha as captchas
from unionhub.identity.crypto import blind_index, blind_indexes
from unionhub.identity.models import SmsCheckDecoy, SmsCode, SmsPurpose, SmsSendWindow
from unionhub.identity.provider_errors import OutcomeUnknown, ProviderUnavailable
from unionhub.identity.realname import fold_full_width, validate_phone
from unionhub.identity.sms_providers import get_sms_provider
from unionhub.observability import metrics
from unionhub.observability.provider_calls import provider_call
from unionhub.ratelimit import Rule, count
from unionhub.settings import get_settings

CODE_LENGTH = 6


class SmsLimited(RateLimited):
    def __init__(self, message: str, *, code: str, retry_after_seconds: int):
        super().__init__(message, retry_after_seconds=retry_after_seconds, field="phone")
        self.code = code


@dataclass(frozen=True)
class CodeSent:
    retry_after_seconds: int  # when the next code for this phone may be asked for


def code_hash(phone_bidx: str, purpose: SmsPurpose, code: str, key: Key | None = None) -> str:
    return blind_index(f"{phone_bidx}:{purpose.value}:{code}", "sms_code", key)


def _key_of(phone_bidx: str) -> Key:
    """The key a code's row was made under (its phone index names it)."""
    return keyring().get(key_id_of(phone_bidx) or keyring().current.id)


def parse_purpose(raw: str | SmsPurpose) -> SmsPurpose:
    try:
        return SmsPurpose(raw)
    except ValueError:
        raise ValidationFailed(
            "purpose must be REGISTER, LOGIN, RESET_PASSWORD, CHANGE_PHONE or CONFIRM_ACCOUNT",
            field="purpose", code="SMS_PURPOSE_UNKNOWN") from None


def _ip_rules() -> tuple[Rule, Rule]:
    s = get_settings()
    return (Rule("sms-send-ip", s.sms_codes_per_ip_per_day, 24 * 3600),
            Rule("sms-check-ip", s.sms_code_checks_per_ip, s.rate_limit_window_seconds))


async def request_code(phone: str, purpose: str | SmsPurpose, client_ip: str | None = None,
                       captcha: captchas.CaptchaProof | None = None) -> CodeSent:
    purpose = parse_purpose(purpose)
    phone = validate_phone(phone)
    if client_ip:
        await count(_ip_rules()[0], client_ip)
    settings = get_settings()
    bidx = blind_index(phone, "phone")
    passed = None if captcha is None else await captchas.verify(captcha, client_ip, bidx)
    now = utcnow()
    try:
        await _carry_send_window(phone, bidx)
        await _claim_send_window(bidx, now, captcha_passed=passed is not None)
    except Exception:
        if passed is not None:  # no code for this ticket: it may pass again for this phone
            await captchas.give_back(passed)
        raise
    code = f"{secrets.randbelow(10 ** CODE_LENGTH):0{CODE_LENGTH}d}"
    row = await SmsCode.create(phone_bidx=bidx, purpose=purpose,
                               code_hash=code_hash(bidx, purpose, code),
                               expires_at=now + timedelta(seconds=settings.sms_code_ttl_seconds))
    provider = get_sms_provider()
    try:
        with provider_call("sms", provider.name, "send_code", _sms_outcome):
            await provider.send_code(phone, code, purpose)
        metrics.SMS_REQUESTS.add(1, {"provider": provider.name, "outcome": "ok"})
    except OutcomeUnknown as exc:
        metrics.SMS_REQUESTS.add(1, {"provider": provider.name, "outcome": "unknown"})
        # Perhaps sent (no answer in time): the window stays taken, or a slow gateway would let
        # a client send again at once, and the code stays usable in case it arrives.
        exc.retry_after_seconds = settings.sms_resend_seconds
        raise
    except Exception as exc:
        metrics.SMS_REQUESTS.add(1, {"provider": provider.name, "outcome": (
            "unavailable" if isinstance(exc, ProviderUnavailable) else "error")})
        # The gateway said it did not send (or was never reached): the code is void and the
        # window is given back, so the app may retry now.
        await SmsCode.filter(id=row.id).delete()
        await SmsSendWindow.filter(phone_bidx=bidx, last_sent_at=now).update(
            last_sent_at=now - timedelta(seconds=settings.sms_resend_seconds),
            day_count=F("day_count") - 1)
        if passed is not None:  # and the captcha solved for it too
            await captchas.give_back(passed)
        raise
    return CodeSent(retry_after_seconds=settings.sms_resend_seconds)


def _sms_outcome(exc: BaseException) -> str:
    """A failed send's outcome, as unionhub.sms.requests counts it."""
    if isinstance(exc, OutcomeUnknown):
        return "unknown"
    return "unavailable" if isinstance(exc, ProviderUnavailable) else "error"


def _shanghai_day(now: datetime) -> str:
    return now.astimezone(SHANGHAI).strftime("%Y-%m-%d")


def _seconds_to_midnight(now: datetime) -> int:
    local = now.astimezone(SHANGHAI)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(int((midnight - local).total_seconds()), 1)


async def _carry_send_window(phone: str, bidx: str) -> None:
    """During a key rotation (a retired blind-index key still configured), a phone whose window
    is kept under a retired key's index starts its window under the current key from there:
    a rotation must not give the phone a fresh window (SMS bombing, paid messages). Windows are
    not re-keyed by `keys rotate` (they hold no phone to index again): carried when used."""
    retired = [blind_index(phone, "phone", key) for key in keyring().live[1:]]
    if not retired or await SmsSendWindow.exists(phone_bidx=bidx):
        return
    old = await SmsSendWindow.filter(phone_bidx__in=retired).order_by("-last_sent_at").first()
    if old is not None:
        try:
            await SmsSendWindow.create(phone_bidx=bidx, last_sent_at=old.last_sent_at,
                                       day=old.day, day_count=old.day_count)
        except IntegrityError:  # a concurrent request carried it (or claimed it) first
            pass


async def _claim_send_window(bidx: str, now: datetime, *, captcha_passed: bool) -> None:
    """Take the phone's send window, or refuse with when to try again. Each branch is one
    conditional UPDATE (or the INSERT that the unique phone index serialises)."""
    s = get_settings()
    free = min(s.sms_codes_before_captcha, s.sms_codes_per_phone_per_day)
    if free < 1 and not captcha_passed:
        raise captchas.required()
    cutoff = now - timedelta(seconds=s.sms_resend_seconds)
    today = _shanghai_day(now)
    allowed = s.sms_codes_per_phone_per_day if captcha_passed else free
    open_window = SmsSendWindow.filter(phone_bidx=bidx, last_sent_at__lte=cutoff)
    if await open_window.filter(day=today, day_count__lt=allowed).update(
            last_sent_at=now, day_count=F("day_count") + 1):
        return
    if await open_window.exclude(day=today).update(last_sent_at=now, day=today, day_count=1):
        return
    window = await SmsSendWindow.get_or_none(phone_bidx=bidx)
    if window is None:
        try:
            await SmsSendWindow.create(phone_bidx=bidx, last_sent_at=now, day=today, day_count=1)
            return
        except IntegrityError:  # a concurrent request for the same phone created it first
            window = await SmsSendWindow.get(phone_bidx=bidx)
    wait = (window.last_sent_at - cutoff).total_seconds()
    if wait > 0:
        raise SmsLimited(f"a code was sent recently; ask again in {int(wait) + 1} s",
                         code="SMS_RESEND_TOO_SOON", retry_after_seconds=int(wait) + 1)
    if not captcha_passed and window.day_count < s.sms_codes_per_phone_per_day:
        raise captchas.required()
    raise SmsLimited("the daily number of codes for this phone is used up",
                     code="SMS_DAILY_LIMIT", retry_after_seconds=_seconds_to_midnight(now))


def _invalid() -> ValidationFailed:
    return ValidationFailed("the code is wrong", field="smsCode", code="SMS_CODE_INVALID")


async def check_code(phone: str, purpose: SmsPurpose, code: str,
                     client_ip: str | None = None) -> SmsCode:
    """Spend one try of the newest code for this phone and purpose (committed whatever the
    caller does next) and return it when `code` matches. The caller then `consume`s it in the
    transaction of its effect, so an effect that fails leaves the code usable.

    Every wrong guess does the same work, whether the phone has a live code, a dead one or
    none: one read, the code's keyed hash, one committed write of one row (a live code's try,
    or else a decoy row's: `_spend_decoy`). A live code's try alone wrote, so the time of the
    answer told a stranger that a code was asked for this phone (and, for a reset, that an
    account is likely there)."""
    # Full-width digits (an IME in full-width mode) are the same code, as they are the same
    # phone; `isdigit` alone also took other scripts' digits and superscripts, which spent a
    # try on what cannot be anyone's code and refused the right code typed full-width.
    code = fold_full_width(code)
    if len(code) != CODE_LENGTH or not code.isascii() or not code.isdigit():
        raise _invalid()  # no try spent: it cannot be anyone's code
    if client_ip:
        await count(_ip_rules()[1], client_ip)
    s = get_settings()
    # The newest code under any live key: one sent just before a key rotation still counts,
    # with the tries it has left (its hash made under its key).
    row = await SmsCode.filter(phone_bidx__in=blind_indexes(phone, "phone"),
                               purpose=purpose).order_by("-id").first()
    right = (code_hash(blind_index(phone, "phone"), purpose, code) if row is None
             else code_hash(row.phone_bidx, purpose, code, _key_of(row.phone_bidx)))
    now = utcnow()
    if (row is not None and row.consumed_at is None and row.expires_at > now
            and row.attempts < s.sms_code_max_tries):
        if await SmsCode.filter(id=row.id, consumed_at=None,
                                attempts__lt=s.sms_code_max_tries).update(
                attempts=F("attempts") + 1):
            if not hmac.compare_digest(row.code_hash, right):
                raise _invalid()
            return row
    await _spend_decoy()
    if not hmac.compare_digest(row.code_hash if row is not None else _NO_CODE, right):
        raise _invalid()
    assert row is not None  # (the code typed is this row's: the caller holds the phone)
    await _why_dead(row, now)


async def _why_dead(row: SmsCode, now: datetime) -> NoReturn:
    """Raise why a code typed right no longer works. Said only to whoever typed it right, i.e.
    holds the phone: anyone else gets what a phone nobody asked a code for gets, so a guess
    does not tell a stranger that a code was asked for this phone and purpose. Comparing
    without spending a try is safe: a dead code never passes again, whatever is learnt of it."""
    if row.consumed_at is not None or await SmsCode.filter(id=row.id).exclude(
            consumed_at=None).exists():
        raise _invalid()  # used, perhaps meanwhile by a concurrent request
    if row.expires_at <= now:
        raise ValidationFailed("the code has expired; ask for a new one", field="smsCode",
                               code="SMS_CODE_EXPIRED")
    raise ValidationFailed("too many wrong tries; ask for a new code", field="smsCode",
                           code="SMS_CODE_TRIES_EXHAUSTED")


_NO_CODE = "!"  # what a phone without a code is compared against: no keyed hash equals it
DECOYS = 16


async def _spend_decoy() -> None:
    """One committed write of one row, as a live code's try makes: a decoy's (identity
    migration 0019), made with the others on the first miss."""
    chosen = secrets.randbelow(DECOYS)
    if await SmsCheckDecoy.filter(id=chosen).update(flips=1 - F("flips")):
        return
    await SmsCheckDecoy.bulk_create([SmsCheckDecoy(id=n) for n in range(DECOYS)],
                                    ignore_conflicts=True)


async def consume(row: SmsCode) -> None:
    """Use the code up; of two concurrent uses of one code, one wins."""
    if not await SmsCode.filter(id=row.id, consumed_at=None).update(consumed_at=utcnow()):
        raise _invalid()
