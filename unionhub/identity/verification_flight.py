"""One real-name verification under way per member (single-flight), across processes.

A member's verification takes `idv:v1:flight:{member id}` in Redis (SET NX with a token and
`FLIGHT_SECONDS`, longer than the authority's timeout) before it asks the authority; another
verification of the same member waits until it is released (polling), then answers from its
outcome: the account verified meanwhile gives ALREADY_VERIFIED (the caller re-reads the
member), and a refusal of the same pair is remembered for `REFUSAL_SECONDS` as a keyed hash of
the pair (`idv:v1:refused:{member id}`, never the name or number) and answered alike. Only a
different pair, or an outcome the authority could not give, asks the authority again: so a
double-tapped submit, or a client retrying while the first call waits on the authority, pays
for one call.

Redis is required: the attempt limits of the paid call are not counted per process either
(verification.py), so a Redis failure here answers IDENTITY_PROVIDER_UNAVAILABLE (retryable).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from redis.exceptions import RedisClusterException, RedisError

from unionhub.cache import get_redis
from unionhub.identity.crypto import blind_index
from unionhub.identity.idverify import unavailable

FLIGHT_SECONDS = 30
REFUSAL_SECONDS = 60
POLL_SECONDS = 0.05
# Delete the flight only while it is still ours (it may have expired and been taken since).
RELEASE_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_REDIS_FAILURES = (RedisError, RedisClusterException, OSError)


def pair_hash(legal_name: str, id_number: str) -> str:
    return blind_index(f"{legal_name}\x1f{id_number}", "idverify_pair")[:32]


class Flight:
    """The member's flight, held: `refused_before` says whether a verification that held it
    in the last REFUSAL_SECONDS was refused for this very pair; `remember_refusal` tells
    later ones."""

    def __init__(self, member_id: int, pair: str, refused_before: bool) -> None:
        self.member_id, self.pair, self.refused_before = member_id, pair, refused_before

    async def remember_refusal(self) -> None:
        try:
            await get_redis().set(_refused_key(self.member_id), self.pair, ex=REFUSAL_SECONDS)
        except _REDIS_FAILURES:
            pass  # later ones then ask the authority themselves, still one at a time


def _flight_key(member_id: int) -> str:
    return f"idv:v1:flight:{{{member_id}}}"


def _refused_key(member_id: int) -> str:
    return f"idv:v1:refused:{{{member_id}}}"


@asynccontextmanager
async def single_flight(member_id: int, pair: str) -> AsyncIterator[Flight]:
    """Hold the member's flight for the block, waiting (up to FLIGHT_SECONDS) while another
    verification of the member holds it."""
    redis: Any = get_redis()
    token = secrets.token_hex(8)
    key = _flight_key(member_id)
    try:
        for _ in range(int(FLIGHT_SECONDS / POLL_SECONDS)):
            if await redis.set(key, token, nx=True, ex=FLIGHT_SECONDS):
                break
            await asyncio.sleep(POLL_SECONDS)
        else:
            raise unavailable()  # the other one outlived its own flight: the app retries
        refused = await redis.get(_refused_key(member_id)) == pair
    except _REDIS_FAILURES:
        raise unavailable() from None
    try:
        yield Flight(member_id, pair, refused)
    finally:
        try:
            await redis.eval(RELEASE_SCRIPT, 1, key, token)
        except _REDIS_FAILURES:
            pass  # it expires after FLIGHT_SECONDS
