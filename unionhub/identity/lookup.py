"""The hot member lookup: a member's document, read through Redis.

The cached document holds what every screen needs, with personal data still encrypted (plus
its masked forms, which are not sensitive), so a Redis dump reveals no phone or ID number.
Every write to a member, card or membership calls `invalidate_member` after it commits; a
write generation per member keeps a concurrent reader from caching the row it read before the
write; an invalidation Redis refuses is queued in the database and replayed within seconds
(`identity.invalidations`), so a stale record does not wait for its TTL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, cast

import orjson
from redis.exceptions import NoScriptError

from unionhub.cache import get_redis, mget, safe, shared_connection
from unionhub.db_replicas import on_primary
from unionhub.identity.crypto import (
    PersonalDataUnreadable,
    blind_index,
    open_personal,
    unreadable,
)
from unionhub.identity.masking import mask_id_number, mask_name, mask_phone
from unionhub.identity.models import CardStatus, Member, MemberCard, Role
from unionhub.observability.redis_spans import traced_shared_command
from unionhub.redis_topology import ClusterShared
from unionhub.settings import get_settings

# A member's record and write generation share a hash tag (its id): one Redis Cluster slot,
# so the scripts below that touch both stay in it. A card key stands alone (its own slot).
# v3: the record as a JSON array of its fields in order (v2 was an object: decoding it and
# passing its keys as keyword arguments took 3.5 times as long, 20 times on a page of members).
_KEY = "member:v3:{{{}}}"
# A card's key names the card by its keyed digest (the blind index), never by its number: the
# keyspace (SCAN, MONITOR, a dump, the slow log) maps no card number to a member. (v2 keys held
# the number; a v2 key left by the previous release expires with its TTL, unread.)
_CARD_KEY = "member:card:v3:{}"
_GEN_KEY = "member:gen:v2:{{{}}}"  # bumped by every write: guards the cache against stale fills


# (plain strings: an enum member's `.value` is a Python-level descriptor call, three a tier)
_ACTIVE = CardStatus.ACTIVE.value
_ROLE_TIERS = frozenset((Role.CADRE.value, Role.OPERATOR.value, Role.ADMIN.value))


@dataclass(slots=True)
class MemberRecord:
    id: int
    display_name: str
    role: str
    union_id: int
    union_path: str
    cadre_org_id: int | None
    joined_at: str | None
    verified: bool
    phone_enc: str
    # A masked form is None beside its ciphertext when the value did not authenticate under
    # this member (moved from another row, altered): the field is refused (`check`).
    phone_masked: str | None
    name_enc: str | None
    name_masked: str | None
    id_number_enc: str | None
    id_number_masked: str | None
    card_number: str | None
    card_status: str | None
    card_issued_at: str | None

    @property
    def is_verified_member(self) -> bool:
        """VERIFIED tier: real-name verified with an active member card."""
        return self.verified and self.card_status == _ACTIVE

    @property
    def is_pool_member(self) -> bool:
        """Real-name verified and waiting in the holding pool: no union has taken them in (every
        member without `joined_at` sits in the pool: registration, membership.py, leaving.py).
        Tier MEMBER with no card, yet holding the pool's online benefits (docs/domain.md)."""
        return self.verified and self.joined_at is None

    @property
    def holds_online_benefits(self) -> bool:
        """Claiming vouchers and enrolling in activities for verified members: a verified
        member with an active card, or a verified worker in the holding pool."""
        return self.is_verified_member or self.is_pool_member

    @property
    def tier(self) -> str:
        if self.role in _ROLE_TIERS:
            return self.role
        return "VERIFIED" if self.is_verified_member else "MEMBER"

    def phone(self) -> str:
        return open_personal(self.phone_enc, "phone", self.id)

    def legal_name(self) -> str | None:
        return open_personal(self.name_enc, "name", self.id) if self.name_enc else None

    def id_number(self) -> str | None:
        return open_personal(self.id_number_enc, "id_number", self.id) \
            if self.id_number_enc else None

    @property
    def unreadable(self) -> bool:
        """Does a personal field fail to authenticate under this member (never cached)?"""
        return (self.phone_masked is None and bool(self.phone_enc)) or \
            (self.name_masked is None and self.name_enc is not None) or \
            (self.id_number_masked is None and self.id_number_enc is not None)

    @staticmethod
    def check(sealed: str | None, masked: str | None) -> None:
        """Refuses (PERSONAL_DATA_UNREADABLE) a field whose value did not authenticate when
        the record was built, masked or not: nothing derived from it is shown."""
        if sealed and masked is None:
            raise unreadable()

    def to_json(self) -> str:
        """The fields' values in their order (`from_json` passes them positionally)."""
        return orjson.dumps([getattr(self, name) for name in _RECORD_FIELDS]).decode()

    @classmethod
    def from_json(cls, raw: str | bytes) -> MemberRecord:
        return cls(*orjson.loads(raw))


_RECORD_FIELDS = tuple(f.name for f in fields(MemberRecord))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


_LIVE_CARD = (CardStatus.ACTIVE, CardStatus.FROZEN)
# The member, its union's path and every card it ever had, in one LEFT JOIN (a member has at
# most a few cards: one live, the rest lost or cancelled).
_RECORD_COLUMNS = (
    "id", "display_name", "role", "union_id", "union__path", "cadre_org_id", "joined_at",
    "verified_at", "phone_enc", "name_enc", "id_number_enc",
    "cards__id", "cards__number", "cards__status", "cards__issued_at",
)


def _masked(row: dict[str, Any], column: str, purpose: str,
            mask: Callable[[str], str]) -> str | None:
    """The value's masked form, or None (logged, counted) when it does not authenticate under
    the member's row: the masked form of another member's phone would show most of it."""
    sealed = row[column]
    if not sealed:
        return None
    try:
        return mask(open_personal(sealed, purpose, row["id"]))
    except PersonalDataUnreadable:  # (logged and counted by open_personal)
        return None


def _record(row: dict[str, Any], card: dict[str, Any] | None) -> MemberRecord:
    return MemberRecord(
        id=row["id"], display_name=row["display_name"], role=Role(row["role"]).value,
        union_id=row["union_id"], union_path=row["union__path"],
        cadre_org_id=row["cadre_org_id"], joined_at=_iso(row["joined_at"]),
        verified=row["verified_at"] is not None,
        phone_enc=row["phone_enc"], phone_masked=_masked(row, "phone_enc", "phone", mask_phone),
        name_enc=row["name_enc"], name_masked=_masked(row, "name_enc", "name", mask_name),
        id_number_enc=row["id_number_enc"],
        id_number_masked=_masked(row, "id_number_enc", "id_number", mask_id_number),
        card_number=card["cards__number"] if card else None,
        card_status=CardStatus(card["cards__status"]).value if card else None,
        card_issued_at=_iso(card["cards__issued_at"]) if card else None,
    )


async def current_card(member_id: int) -> MemberCard | None:
    """The member's card: the newest one that is not cancelled or lost."""
    return (
        await MemberCard.filter(member_id=member_id, status__in=list(_LIVE_CARD))
        .order_by("-id").first()
    )


@on_primary
async def load_records_from_db(member_ids: list[int]) -> dict[int, MemberRecord]:
    """Build the records of many members with one SQL statement, whatever their number."""
    if not member_ids:
        return {}
    # A closed account (identity.rights) has no record: its personal fields are gone.
    rows = await Member.filter(id__in=member_ids, closed_at=None).values(*_RECORD_COLUMNS)
    members: dict[int, dict[str, Any]] = {}
    cards: dict[int, dict[str, Any]] = {}
    for row in rows:
        members.setdefault(row["id"], row)
        if row["cards__status"] in _LIVE_CARD:
            newest = cards.get(row["id"])
            if newest is None or row["cards__id"] > newest["cards__id"]:
                cards[row["id"]] = row  # the newest live card wins
    return {i: _record(row, cards.get(i)) for i, row in members.items()}


async def get_records(member_ids: list[int]) -> dict[int, MemberRecord]:
    """Many members at once: one MGET, then one query for the misses (DataLoader batches)."""
    if not member_ids:
        return {}
    raw = await safe(_mget_shared([_KEY.format(i) for i in member_ids]),
                     [None] * len(member_ids))
    return await records_from(member_ids, raw)


def _mget_shared(keys: list[str]) -> Awaitable[Any]:
    """MGET on the hot path's shared connection, as the lookup's script: every member screen
    reads its caller's record this way, and redis-py's pool costs more CPU per command than the
    rest of it (`unionhub.fastpath.shared_redis`). A cluster's per-slot MGETs: `cache.mget`."""
    shared = shared_connection()
    if isinstance(shared, ClusterShared):
        return mget(keys)
    return traced_shared_command(shared, "MGET", *keys)


async def records_from(member_ids: list[int], raw: list[Any]) -> dict[int, MemberRecord]:
    """`get_records` once the cached values of the members' keys (`RECORD_KEY_PREFIX`, the
    id, "}") were read, with other keys in one round trip (the leaderboard's page script):
    the misses read as `get_records` reads them."""
    found = {i: MemberRecord.from_json(r) for i, r in zip(member_ids, raw, strict=True) if r}
    missing = [i for i in member_ids if i not in found]
    if missing:
        # The write generations are read before the database: see `_store`.
        generations = await safe(mget([_GEN_KEY.format(i) for i in missing]), None)
        loaded = await load_records_from_db(missing)
        found.update(loaded)
        if generations is not None:  # (an unreadable record is checked again on every read)
            await _store([r for r in loaded.values() if not r.unreadable],
                         dict(zip(missing, generations, strict=True)))
    return found


async def get_record(member_id: int) -> MemberRecord | None:
    return (await get_records([member_id])).get(member_id)


def is_card_number(value: str) -> bool:
    """Could this be a member card number at all (16–19 ASCII digits)? Anything else finds no
    one, without a query (the column holds at most 19 characters)."""
    return 16 <= len(value) <= 19 and value.isascii() and value.isdigit()


# The card's member id, then that member's record: one round trip instead of GET then MGET (the
# hot lookup), on the connection concurrent requests share (`unionhub.fastpath.shared_redis`). The
# record key is derived from the id inside the script, so it is not declared in KEYS: fine on
# one Redis (or a replica set); on a Redis Cluster the two keys are in different slots, and
# `_by_card` sends two GETs instead.
_BY_CARD_SCRIPT = """
local id = redis.call('GET', KEYS[1])
if not id then return false end
return {id, redis.call('GET', ARGV[1] .. id .. '}') or false}
"""
_KEY_PREFIX = _KEY.format("")[:-1]  # "member:v3:{": the script closes the tag after the id
_BY_CARD_SHA = hashlib.sha1(_BY_CARD_SCRIPT.encode()).hexdigest()  # noqa: S324 (Redis's name)
RECORD_KEY_PREFIX = _KEY_PREFIX  # (other scripts reading records: the leaderboard's page)


def card_key(card_number: str) -> str:
    """The key naming the member who holds `card_number` (an id; the record read through it
    must carry the card). Keyed by the current key: after a rotation the old digests go unread
    and expire, and a miss refills from the database."""
    return _CARD_KEY.format(blind_index(card_number, "member_card"))


def record_key(member_id: int) -> str:
    """The member's cached record's key (read with other keys by a script)."""
    return _KEY.format(member_id)


async def _by_card(card_number: str) -> Any:
    shared = shared_connection()
    if isinstance(shared, ClusterShared):  # a cluster: the card's slot, then the member's
        member_id = await traced_shared_command(shared, "GET", card_key(card_number))
        if member_id is None:
            return None
        return [member_id, await traced_shared_command(shared, "GET", _KEY.format(member_id))]
    args = ("EVALSHA", _BY_CARD_SHA, 1, card_key(card_number), _KEY_PREFIX)
    try:
        return await traced_shared_command(shared, *args)
    except NoScriptError:  # a restarted or flushed Redis: load it once, then as before
        await shared.client.script_load(_BY_CARD_SCRIPT)
        return await traced_shared_command(shared, *args)


async def get_record_by_card(card_number: str) -> MemberRecord | None:
    if not is_card_number(card_number):
        return None
    redis = get_redis()
    found = await safe(_by_card(card_number), None)
    member_id = found[0] if found else None
    if found and found[1]:
        record: MemberRecord | None = MemberRecord.from_json(found[1])
    else:
        if member_id is None:
            card = await MemberCard.get_or_none(
                number=card_number, status__in=list(_LIVE_CARD)
            ).only("id", "member_id")
            if card is None:
                return None
            member_id = card.member_id
            await safe(redis.set(card_key(card_number), member_id,
                                 ex=get_settings().member_cache_ttl_seconds), None)
        record = await get_record(int(member_id))
    # A lost or cancelled card no longer finds its member.
    return record if record is not None and record.card_number == card_number else None


# KEYS: the record, its generation (one slot). ARGV: the generation read before the
# database ('' for none), the record, the TTL. Stores only if no write bumped it since.
_STORE_SCRIPT = """
if (redis.call('GET', KEYS[2]) or '') == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
"""
# KEYS: the generation, the record (one slot). ARGV: the generation's TTL.
_INVALIDATE_SCRIPT = """
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
return 1
"""


async def _store(records: list[MemberRecord], generations: dict[int, str | None]) -> None:
    """Cache records read from the database, unless a write to one of them happened since
    their generations were read. Without this check a reader that fetched a row just before a
    write commits could cache the old row after the write's invalidation, and serve it (a
    transferred member still in the old cadre's scope) until the TTL. Each record's check and
    store is one script on its own slot (no WATCH/MULTI across members: a cluster has none)."""
    if not records:
        return
    ttl = get_settings().member_cache_ttl_seconds
    pipe = get_redis().pipeline(transaction=False)
    for rec in records:
        pipe.eval(_STORE_SCRIPT, 2, _KEY.format(rec.id), _GEN_KEY.format(rec.id),
                  generations.get(rec.id) or "", rec.to_json(), str(ttl))
    await safe(pipe.execute(), None)


async def invalidate_member(member_id: int, *card_numbers: str) -> None:
    """Call after the write commits. Bumps the member's write generation (so a concurrent
    reader's older copy is not cached) and drops the cached record and card keys. If Redis
    refuses, the invalidation is queued in the database and replayed (`invalidations`)."""
    if not await try_invalidate(member_id, *card_numbers):
        from unionhub.identity.invalidations import remember

        await remember(member_id, list(card_numbers))


async def try_invalidate(member_id: int, *card_numbers: str) -> bool:
    """One invalidation; False when Redis did not take it."""
    pipe = get_redis().pipeline(transaction=False)
    # The generation outlives every record cached under an older one. A card key only names a
    # member id (the record read through it must carry the card), so it may go separately.
    pipe.eval(_INVALIDATE_SCRIPT, 2, _GEN_KEY.format(member_id), _KEY.format(member_id),
              str(2 * get_settings().member_cache_ttl_seconds))
    for number in card_numbers:
        pipe.delete(card_key(number))
    return await safe(pipe.execute(), None) is not None


async def count_verified_members(path_prefix: str) -> int:
    """How many verified members with an active card the subtree `path_prefix` holds: the
    members `verified_member_ids` pages through (a grant checks its budget against it)."""
    from tortoise.expressions import Subquery

    active = MemberCard.filter(status=CardStatus.ACTIVE).values("member_id")
    return await Member.filter(union__path__startswith=path_prefix, verified_at__isnull=False,
                               id__in=Subquery(active)).count()


async def verified_member_ids(path_prefix: str, after_id: int, limit: int) -> list[int]:
    """Ids of verified members with an active card in the subtree `path_prefix`, in id order
    after `after_id`: one keyset page for set-based work (a voucher grant to a whole city)."""
    from tortoise.expressions import Subquery

    # The bound is repeated inside the subquery so each page seeks instead of rescanning.
    active = MemberCard.filter(status=CardStatus.ACTIVE, member_id__gt=after_id).values("member_id")
    return cast(list[int], await (  # Tortoise types values_list(flat=True) as tuples
        Member.filter(union__path__startswith=path_prefix, verified_at__isnull=False,
                      id__gt=after_id, id__in=Subquery(active))
        .order_by("id").limit(limit).values_list("id", flat=True)
    ))
