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

Each attempt is reserved (counted) before its password is checked, refused when over a limit,
and given back when the password was right: counting only after the check let a concurrent
burst have every guess checked. Fixed windows plus a wait key per pair, like `ratelimit.py`:
the `limits` library's moving windows were measured against them (bench/ratelimit_compare.py)
and bought nothing the backoff needs. Redis down: the same scripts count on the process's own
store (`ratelimit.run`), so sign-in works without the cache and guesses stay limited per process.

Failures are audited aggregated per phone and window (the first, each power of ten, and the
start of a wide attack), so an attack cannot flood the audit log.
"""

from __future__ import annotations

import asyncio

from unionhub.client_address import limit_subject
from unionhub.crypto.keyring import Key
from unionhub.errors import RateLimited
from unionhub.identity import audit
from unionhub.identity.crypto import blind_index
from unionhub.ratelimit import COUNT_SCRIPT, forget, human_duration, run, under_live_keys
from unionhub.settings import get_settings


def _hash(*parts: str, key: Key | None = None) -> str:
    return blind_index("\x1f".join(parts), "ratelimit", key)[:32]


def _keys(phone: str, address: str | None, key: Key | None = None) -> list[str]:
    pair = _hash(phone, limit_subject(address) if address else "", key=key)  # IPv6: its /64
    # The pair's two keys share a hash tag (one slot for their DEL); the phone's is apart.
    return [f"rl:v1:login-pair:{{{pair}}}", f"rl:v1:login-pair-wait:{{{pair}}}",
            f"rl:v1:login-phone:{_hash(phone, key=key)}"]


def _live_keys(phone: str, address: str | None) -> tuple[list[str], list[list[str]]]:
    """The keys under the current blind-index key, and under each retired one while a key
    rotation is under way: counted on the current ones, carried over from the retired ones
    (`ratelimit.run`), so a rotation gives no guesser a fresh window."""
    return under_live_keys(lambda key: _keys(phone, address, key))


def _refuse(seconds: int) -> RateLimited:
    return RateLimited(f"too many attempts; try again in {human_duration(seconds)}",
                       retry_after_seconds=max(int(seconds), 1))


# A pair's attempt, reserved before its password is checked: refused while the pair waits;
# otherwise counted, and the attempt that reaches the limit starts the wait at once, so
# concurrent attempts behind it are refused before any of them is checked (counting after the
# check let a burst through). One script: both keys share the pair's hash slot.
PAIR_SCRIPT = """
local wait = redis.call('TTL', KEYS[2])
if wait > 0 then return {0, wait} end
local n = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
local over = n - tonumber(ARGV[2])
if over >= 0 then
  local seconds = tonumber(ARGV[3]) * 2 ^ math.min(over, 30)
  seconds = math.floor(math.min(tonumber(ARGV[4]), seconds))
  redis.call('SET', KEYS[2], 1, 'EX', seconds)
end
return {n, 0}
"""
# The phone's attempt: refused (and not counted) at the limit, else counted.
PHONE_SCRIPT = """
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[2]) then return {0, redis.call('TTL', KEYS[1])} end
n = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
return {n, 0}
"""
# Give a reserved phone attempt back; never below zero nor onto an expired key (a bare DECR
# would leave a counter without expiry).
GIVE_BACK_SCRIPT = """
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then return redis.call('DECR', KEYS[1]) end
return 0
"""


class Attempt:
    """A reserved password attempt: `failed()` keeps it counted, `succeeded()` gives it back."""

    def __init__(self, phone: str, address: str | None, phone_count: int) -> None:
        self.phone, self.address, self.phone_count = phone, address, phone_count

    async def failed(self, member_id: int | None) -> None:
        await _audit_failures(self.phone, member_id, self.phone_count)

    async def succeeded(self) -> None:
        """The pair proved itself: its failures go; the phone's stay (an attack on it is still
        going on), less this attempt's own reservation."""
        keys, previous = _live_keys(self.phone, self.address)
        # Two slots, so two calls (a cluster runs no script across slots), sent together: one
        # round trip of waiting on a successful sign-in, as the pipeline they replace took.
        # (During a key rotation the pair is forgotten under the retired keys too.)
        await asyncio.gather(forget("login-pair", keys[:2], [p[:2] for p in previous]),
                             run("login-phone", GIVE_BACK_SCRIPT, keys[2:], []))


async def reserve(phone: str, address: str | None) -> Attempt:
    """Count the password attempt before its check, or refuse it (RATE_LIMITED) when the phone
    is under a wide attack or this pair must still wait. Unknown phones alike. Redis down:
    counted by the same scripts on this process's store (`ratelimit.run`)."""
    settings = get_settings()
    (pair_key, wait_key, phone_key), previous = _live_keys(phone, address)
    window = str(settings.rate_limit_window_seconds)
    on_phone = await run("login-phone", PHONE_SCRIPT, [phone_key],
                         [window, str(settings.login_failures_per_phone)],
                         previous=[p[2:] for p in previous])
    phone_count, phone_ttl = int(on_phone[0]), int(on_phone[1])
    if phone_count == 0:
        raise _refuse(phone_ttl if phone_ttl > 0 else settings.rate_limit_window_seconds)
    on_pair = await run("login-pair", PAIR_SCRIPT, [pair_key, wait_key], [
        window, str(settings.login_failures_per_pair), str(settings.login_backoff_base_seconds),
        str(settings.login_backoff_max_seconds)], previous=[p[:2] for p in previous])
    if int(on_pair[0]) == 0:
        await run("login-phone", GIVE_BACK_SCRIPT, [phone_key], [])
        raise _refuse(int(on_pair[1]))
    return Attempt(phone, address, phone_count)


def _worth_a_row(failures: int, wide_at: int) -> bool:
    if failures <= 0:
        return False
    if failures in (1, wide_at):
        return True
    while failures % 10 == 0:
        failures //= 10
    return failures == 1  # 10, 100, 1000, ...


async def record_sms_failure(phone: str, member_id: int | None) -> None:
    """A refused SMS sign-in code, counted per phone and window only to be audited aggregated
    like password failures (no lockout here: the code's tries and the per-address check limit
    bound the guessing, and the owner's way in must stay open)."""
    keys, previous = under_live_keys(
        lambda key: [f"rl:v1:login-sms-phone:{_hash(phone, key=key)}"])
    failures, _ = await run("login-sms-phone", COUNT_SCRIPT, keys,
                            [str(get_settings().rate_limit_window_seconds)], previous=previous)
    await _audit_failures(phone, member_id, int(failures), method="sms")


async def _audit_failures(phone: str, member_id: int | None, failures: int,
                          method: str = "password") -> None:
    wide_at = get_settings().login_failures_per_phone
    if not _worth_a_row(failures, wide_at):
        return
    subject = ("member", member_id) if member_id is not None else ("phone", _hash(phone))
    await audit.record(audit.SIGN_IN_FAILURES, actor_id=None, subject_type=subject[0],
                       subject_id=subject[1],
                       detail={"method": method, "failures_in_window": failures,
                               "window_seconds": get_settings().rate_limit_window_seconds,
                               "wide_attack": failures >= wide_at})
