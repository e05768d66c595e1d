"""The hot member lookup: a member's document, read through Redis.

The cached document holds what every screen needs, with personal data still encrypted (plus
its masked forms, which are not sensitive), so a Redis dump reveals no phone or ID number.
Every write to a member, card or membership calls `invalidate_member`; a TTL bounds staleness
if an invalidation is lost while Redis is unreachable.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

from unionhub.cache import get_redis, safe
from unionhub.identity.crypto import decrypt
from unionhub.identity.masking import mask_id_number, mask_name, mask_phone
from unionhub.identity.models import CardStatus, Member, MemberCard, Role
from unionhub.settings import get_settings

_KEY = "member:v1:{}"
_CARD_KEY = "member:card:v1:{}"


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
    phone_masked: str
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
        return self.verified and self.card_status == CardStatus.ACTIVE.value

    @property
    def tier(self) -> str:
        if self.role in (Role.CADRE.value, Role.OPERATOR.value, Role.ADMIN.value):
            return self.role
        return "VERIFIED" if self.is_verified_member else "MEMBER"

    def phone(self) -> str:
        return decrypt(self.phone_enc, "phone")

    def legal_name(self) -> str | None:
        return decrypt(self.name_enc, "name") if self.name_enc else None

    def id_number(self) -> str | None:
        return decrypt(self.id_number_enc, "id_number") if self.id_number_enc else None

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> MemberRecord:
        return cls(**json.loads(raw))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def build_record(member: Member, card: MemberCard | None) -> MemberRecord:
    """`member.union` must be fetched."""
    phone = decrypt(member.phone_enc, "phone")
    name = decrypt(member.name_enc, "name") if member.name_enc else None
    id_number = decrypt(member.id_number_enc, "id_number") if member.id_number_enc else None
    return MemberRecord(
        id=member.id, display_name=member.display_name, role=member.role.value,
        union_id=member.union_id, union_path=member.union.path, cadre_org_id=member.cadre_org_id,
        joined_at=_iso(member.joined_at), verified=member.verified_at is not None,
        phone_enc=member.phone_enc, phone_masked=mask_phone(phone),
        name_enc=member.name_enc, name_masked=mask_name(name) if name else None,
        id_number_enc=member.id_number_enc,
        id_number_masked=mask_id_number(id_number) if id_number else None,
        card_number=card.number if card else None,
        card_status=card.status.value if card else None,
        card_issued_at=_iso(card.issued_at) if card else None,
    )


async def current_card(member_id: int) -> MemberCard | None:
    """The member's card: the newest one that is not cancelled or lost."""
    return (
        await MemberCard.filter(member_id=member_id,
                                status__in=[CardStatus.ACTIVE, CardStatus.FROZEN])
        .order_by("-id").first()
    )


async def load_records_from_db(member_ids: list[int]) -> dict[int, MemberRecord]:
    members = await Member.filter(id__in=member_ids).select_related("union")
    cards: dict[int, MemberCard] = {}
    for card in await MemberCard.filter(
        member_id__in=member_ids, status__in=[CardStatus.ACTIVE, CardStatus.FROZEN]
    ).order_by("id"):
        cards[card.member_id] = card  # newest wins
    return {m.id: build_record(m, cards.get(m.id)) for m in members}


async def get_records(member_ids: list[int]) -> dict[int, MemberRecord]:
    """Many members at once: one MGET, then one query for the misses (DataLoader batches)."""
    if not member_ids:
        return {}
    redis = get_redis()
    raw = await safe(redis.mget([_KEY.format(i) for i in member_ids]), [None] * len(member_ids))
    found = {i: MemberRecord.from_json(r) for i, r in zip(member_ids, raw, strict=True) if r}
    missing = [i for i in member_ids if i not in found]
    if missing:
        loaded = await load_records_from_db(missing)
        found.update(loaded)
        await _store(list(loaded.values()))
    return found


async def get_record(member_id: int) -> MemberRecord | None:
    return (await get_records([member_id])).get(member_id)


async def get_record_by_card(card_number: str) -> MemberRecord | None:
    redis = get_redis()
    member_id = await safe(redis.get(_CARD_KEY.format(card_number)), None)
    if member_id is None:
        card = await MemberCard.get_or_none(
            number=card_number, status__in=[CardStatus.ACTIVE, CardStatus.FROZEN]
        ).only("member_id")
        if card is None:
            return None
        member_id = card.member_id
        await safe(redis.set(_CARD_KEY.format(card_number), member_id,
                             ex=get_settings().member_cache_ttl_seconds), None)
    record = await get_record(int(member_id))
    # A lost or cancelled card no longer finds its member.
    return record if record is not None and record.card_number == card_number else None


async def _store(records: list[MemberRecord]) -> None:
    if not records:
        return
    ttl = get_settings().member_cache_ttl_seconds
    pipe = get_redis().pipeline(transaction=False)
    for rec in records:
        pipe.set(_KEY.format(rec.id), rec.to_json(), ex=ttl)
    await safe(pipe.execute(), None)


async def invalidate_member(member_id: int, *card_numbers: str) -> None:
    keys = [_KEY.format(member_id), *(_CARD_KEY.format(n) for n in card_numbers)]
    await safe(get_redis().delete(*keys), 0)


async def verified_member_ids(path_prefix: str, after_id: int, limit: int) -> list[int]:
    """Ids of verified members with an active card in the subtree `path_prefix`, in id order
    after `after_id`: one keyset page for set-based work (a voucher grant to a whole city)."""
    from tortoise.expressions import Subquery

    # The bound is repeated inside the subquery so each page seeks instead of rescanning.
    active = MemberCard.filter(status=CardStatus.ACTIVE, member_id__gt=after_id).values("member_id")
    return await (
        Member.filter(union__path__startswith=path_prefix, verified_at__isnull=False,
                      id__gt=after_id, id__in=Subquery(active))
        .order_by("id").limit(limit).values_list("id", flat=True)
    )
