"""Password sign-in lockout that an attacker cannot turn against the owner (issue 16, point 3).

Failures are counted twice, in Redis under keyed hashes (never a phone or address in clear):

- per (phone, client address): past `login_failures_per_pair` the pair waits, the wait doubling
  at each further failure (`login_backoff_base_seconds` up to `login_backoff_max_seconds`).
  Someone guessing from one address slows only themselves: the owner's right password from
  another address still signs in.
- per phone, from every address: a phone with `login_failures_per_phone` failures in the
  window is under a wide attack, and its password path is paused for the rest of the window
  (unknown phones alike, so the pause reveals nothing). SMS sign-in does not go through this
  module: the owner can still sign in with a code.

Fixed windows plus a wait key per pair, on `ratelimit.py`'s primitives: the `limits` library's
moving windows were measured against them (bench/ratelimit_compare.py) and bought nothing the
backoff needs. Redis down: attempts go through (sign-in must not depend on the cache).

Failures are audited aggregated per phone and window (the first, each power of ten, and the
start of a wide attack), so an attack cannot flood the audit log.
"""

from __future__ import annotations

from unionhub.cache import get_redis, safe
from unionhub.errors import RateLimited
from unionhub.identity import audit
from unionhub.identity.crypto import blind_index
from unionhub.ratelimit import COUNT_SCRIPT, human_duration
from unionhub.settings import get_settings


def _hash(*parts: str) -> str:
    return blind_index("\x1f".join(parts), "ratelimit")[:32]


def _keys(phone: str, address: str | None) -> tuple[str, str, str]:
    pair = _hash(phone, address or "")
    # The pair's two keys share a hash tag (one slot for their DEL); the phone's is apart.
    return (f"rl:v1:login-pair:{{{pair}}}", f"rl:v1:login-pair-wait:{{{pair}}}",
            f"rl:v1:login-phone:{_hash(phone)}")


def _refuse(seconds: int) -> RateLimited:
    return RateLimited(f"too many attempts; try again in {human_duration(seconds)}",
                       retry_after_seconds=max(int(seconds), 1))


async def ensure_allowed(phone: str, address: str | None) -> None:
    """Refuse the password attempt when this pair must still wait, or the phone is under a wide
    attack. Counts nothing."""
    settings = get_settings()
    _, wait_key, phone_key = _keys(phone, address)
    pipe = get_redis().pipeline(transaction=False)
    pipe.ttl(wait_key)
    pipe.get(phone_key)
    pipe.ttl(phone_key)
    found = await safe(pipe.execute(), None)
    if found is None:
        return
    wait, phone_failures, phone_ttl = found
    if phone_failures is not None and int(phone_failures) >= settings.login_failures_per_phone:
        raise _refuse(phone_ttl if phone_ttl and phone_ttl > 0 else
                      settings.rate_limit_window_seconds)
    if wait is not None and wait > 0:
        raise _refuse(wait)


async def record_failure(phone: str, address: str | None, member_id: int | None) -> None:
    settings = get_settings()
    pair_key, wait_key, phone_key = _keys(phone, address)
    window = settings.rate_limit_window_seconds
    pipe = get_redis().pipeline(transaction=False)  # two slots: a counting script on each
    pipe.eval(COUNT_SCRIPT, 1, pair_key, str(window))
    pipe.eval(COUNT_SCRIPT, 1, phone_key, str(window))
    counted = await safe(pipe.execute(), None)
    if counted is None:
        return
    pair_failures, phone_failures = int(counted[0]), int(counted[1])
    over = pair_failures - settings.login_failures_per_pair
    if over >= 0:
        wait = min(settings.login_backoff_max_seconds,
                   settings.login_backoff_base_seconds * 2 ** min(over, 30))
        await safe(get_redis().set(wait_key, 1, ex=wait), None)
    await _audit_failures(phone, member_id, phone_failures)


async def record_success(phone: str, address: str | None) -> None:
    """The pair proved itself; the phone's count stays (an attack on it is still going on)."""
    pair_key, wait_key, _ = _keys(phone, address)
    await safe(get_redis().delete(pair_key, wait_key), 0)


def _worth_a_row(failures: int, wide_at: int) -> bool:
    if failures <= 0:
        return False
    if failures in (1, wide_at):
        return True
    while failures % 10 == 0:
        failures //= 10
    return failures == 1  # 10, 100, 1000, ...


async def _audit_failures(phone: str, member_id: int | None, failures: int) -> None:
    wide_at = get_settings().login_failures_per_phone
    if not _worth_a_row(failures, wide_at):
        return
    subject = ("member", member_id) if member_id is not None else ("phone", _hash(phone))
    await audit.record("auth.login.failed", actor_id=None, subject_type=subject[0],
                       subject_id=subject[1],
                       detail={"failures_in_window": failures,
                               "window_seconds": get_settings().rate_limit_window_seconds,
                               "wide_attack": failures >= wide_at})
