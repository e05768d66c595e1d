"""Demo and synthetic data for identity: the union tree, the demo accounts, N members.

Synthetic members are written set-based (bulk inserts in batches, ids assigned up front so
their cards can be written in the same pass); their ID numbers are checksum-valid but random.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.db import conn, is_postgres
from unionhub.identity.accounts import id_number_index, phone_index
from unionhub.identity.codes import CARD_PREFIX, luhn_check_digit
from unionhub.identity.crypto import encrypt
from unionhub.identity.display_names import default_display_name
from unionhub.identity.models import Member, MemberCard, Role, Union, UnionLevel
from unionhub.identity.orgs import create_union, ensure_holding_pool
from unionhub.identity.passwords import hash_password_sync
from unionhub.identity.privacy import CURRENT as PRIVACY_NOTICE
from unionhub.identity.realname import id_check_char

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105  (public demo accounts, docs/contract.md)

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


@dataclass
class DemoTree:
    province: Union
    cities: dict[str, Union] = field(default_factory=dict)
    counties: dict[str, Union] = field(default_factory=dict)
    grassroots: dict[str, list[Union]] = field(default_factory=dict)
    pool: Union | None = None

    @property
    def all_grassroots(self) -> list[Union]:
        return [g for gs in self.grassroots.values() for g in gs]


# (county key, name, region code, parent city key, grassroots unions)
_COUNTIES = [
    ("A", "雁塔区总工会", "610113", "xian", ["西安高新区软件园联合工会", "雁塔区快递物流行业工会"]),
    ("B", "碑林区总工会", "610103", "xian", ["碑林区商贸企业联合工会", "碑林区教育系统工会"]),
    ("C", "渭滨区总工会", "610302", "baoji", ["宝鸡机床集团工会"]),
]
_CITIES = [("xian", "西安市总工会", "610100"), ("baoji", "宝鸡市总工会", "610300")]


async def seed_tree() -> DemoTree:
    province, _ = await create_union(name="陕西省总工会", level=UnionLevel.PROVINCE,
                                     region_code="610000")
    tree = DemoTree(province=province)
    for key, name, code in _CITIES:
        tree.cities[key], _ = await create_union(name=name, level=UnionLevel.CITY,
                                                 region_code=code, parent_id=province.id)
    for key, name, code, city, grassroots in _COUNTIES:
        county, _ = await create_union(name=name, level=UnionLevel.COUNTY, region_code=code,
                                       parent_id=tree.cities[city].id)
        tree.counties[key] = county
        tree.grassroots[key] = []
        for i, gname in enumerate(grassroots):
            g, _ = await create_union(name=gname, level=UnionLevel.GRASSROOTS, region_code=code,
                                      parent_id=county.id, auto_approve=(i == 1),
                                      credit_code=synthetic_credit_code(code, i))
            tree.grassroots[key].append(g)
    tree.pool = await ensure_holding_pool()
    return tree


def synthetic_credit_code(region: str, serial: int) -> str:
    from unionhub.identity.codes import CREDIT_CODE_CHARS, credit_code_check_char

    body = "81" + region + "".join(CREDIT_CODE_CHARS[(serial * 7 + i) % 31] for i in range(9))
    return body + credit_code_check_char(body)


_BIRTH_DAYS = 365 * 38  # birth dates from 1966 to 2003: every synthetic member is of age


def synthetic_id_number(index: int, region: str = "610113") -> str:
    """Distinct for distinct indexes (below 38 million) within a region."""
    birth = date(1966, 1, 1) + timedelta(days=index % _BIRTH_DAYS)
    first17 = f"{region}{birth:%Y%m%d}{(index // _BIRTH_DAYS) % 1000:03d}"
    return first17 + id_check_char(first17)


def synthetic_name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def card_number_for(member_id: int) -> str:
    body = f"{CARD_PREFIX}{member_id:012d}"
    return body + luhn_check_digit(body)


async def _next_member_id() -> int:
    last = await Member.all().order_by("-id").first().only("id")
    return (last.id if last else 0) + 1


# Seeded members registered over the past year, so scorecards of past months have figures that
# follow registration and verification dates (not the time the seed ran).
SEED_HISTORY_DAYS = 365


def seeded_dates(index: int, now: datetime) -> tuple[datetime, datetime]:
    """When synthetic member `index` registered and was verified: spread over the past year by
    fixed multipliers of the index (the same index always lands on the same offsets from
    `now`), verification 0–13 days and some hours after registration, never after `now`."""
    registered = now - timedelta(days=1 + (index * 7919) % SEED_HISTORY_DAYS,
                                 minutes=(index * 37) % 1440)
    verified = registered + timedelta(days=(index * 31) % 14, hours=(index * 13) % 24)
    return registered, min(verified, now)


# Synthetic members' display names: `示例会员` and a code, so demo screens and benchmarks can
# tell them from accounts people made, without deriving anything from their phones.
SYNTHETIC_PREFIX = "示例会员"


async def _seeded_count(phone_prefix: str, n: int) -> int:
    """How many of the prefix's synthetic members exist: they are inserted in phone order, in
    committed batches, so a binary search over the phones' blind indexes finds the first
    missing one (display names say nothing about the phone, so they cannot tell)."""
    low, high = 0, n  # members [0, low) exist; [high, n) do not
    while low < high:
        mid = (low + high) // 2
        if await Member.exists(phone_bidx=phone_index(f"{phone_prefix}{mid:08d}")):
            low = mid + 1
        else:
            high = mid
    return low


async def seed_members(n: int, unions: list[Union], *, batch_size: int = 5000, seed: int = 2026,
                       phone_prefix: str = "170", progress: Callable[[int], None] | None = None,
                       ) -> int:
    """N verified members with active cards, spread over `unions`. Idempotent per phone
    prefix: phones are prefix + a running number, so a second run adds only what is missing."""
    rng = random.Random(seed)
    password_hash = hash_password_sync(DEMO_PASSWORD)  # one hash shared: synthetic accounts
    now = utcnow()
    start_offset = await _seeded_count(phone_prefix, n)
    next_id = await _next_member_id()
    done = 0
    for batch_start in range(start_offset, n, batch_size):
        count = min(batch_size, n - batch_start)
        members, cards = [], []
        for i in range(batch_start, batch_start + count):
            phone = f"{phone_prefix}{i:08d}"
            id_number = synthetic_id_number(i, unions[i % len(unions)].region_code)
            member_id = next_id
            next_id += 1
            registered, verified = seeded_dates(i, now)
            members.append(Member(
                id=member_id, phone_enc=encrypt(phone, "phone", owner=member_id),
                phone_bidx=phone_index(phone),
                password_hash=password_hash,
                display_name=SYNTHETIC_PREFIX + default_display_name(rng).removeprefix("会员"),
                role=Role.MEMBER, union_id=unions[i % len(unions)].id, joined_at=verified,
                name_enc=encrypt(synthetic_name(rng), "name", owner=member_id),
                id_number_enc=encrypt(id_number, "id_number", owner=member_id),
                id_number_bidx=id_number_index(id_number), verified_at=verified,
                created_at=registered,
            ))
            cards.append(MemberCard(member_id=member_id, number=card_number_for(member_id),
                                    issued_at=verified))
        async with in_transaction():
            await Member.bulk_create(members)
            await MemberCard.bulk_create(cards)
        done += count
        if progress:
            progress(count)
    if is_postgres():
        await conn().execute_script(
            "SELECT setval(pg_get_serial_sequence('members', 'id'), (SELECT MAX(id) FROM members));"
            "SELECT setval(pg_get_serial_sequence('member_cards', 'id'),"
            " (SELECT MAX(id) FROM member_cards));"
        )
        if done:
            # A bulk load leaves the planner without statistics and every new row without its
            # visibility hints, which the first reads would then set page by page: do both now.
            await conn().execute_script("VACUUM (ANALYZE) members, member_cards")
    return done


async def _account(phone: str, union: Union, *, verified: bool, name: str | None = None,
                   role: Role = Role.MEMBER, cadre_org: Union | None = None,
                   id_number: str | None = None, registered_at: datetime | None = None,
                   ) -> Member:
    """One account, registered at `registered_at` (default now) and, when it has an ID number,
    verified two days later (at once when registered now)."""
    registered = registered_at or utcnow()
    now = min(registered + timedelta(days=2), utcnow())
    async with in_transaction():  # no row without its sealed phone
        member = await Member.create(
            phone_enc="", phone_bidx=phone_index(phone),
            password_hash=hash_password_sync(DEMO_PASSWORD), display_name=default_display_name(),
            role=role, cadre_org=cadre_org, union=union,
            joined_at=now if verified and not union.is_holding_pool else None,
            id_number_bidx=id_number_index(id_number) if id_number else None,
            verified_at=now if id_number else None,
            consent_version=PRIVACY_NOTICE.version if id_number else None,
            consented_at=now if id_number else None, created_at=registered,
        )
        # Sealed once the row has its id: each ciphertext is bound to it (identity.crypto).
        sealed = {"phone_enc": encrypt(phone, "phone", owner=member.id),
                  "name_enc": encrypt(name, "name", owner=member.id) if name else None,
                  "id_number_enc": encrypt(id_number, "id_number", owner=member.id)
                  if id_number else None}
        await Member.filter(id=member.id).update(**sealed)
        member.update_from_dict(sealed)
    if verified and not union.is_holding_pool:
        await MemberCard.create(member=member, number=card_number_for(member.id + 9_000_000_000),
                                issued_at=now)
    return member


async def _demo_account(now: datetime, phone: str, union: Union, **kwargs: Any) -> Member:
    registered = now - timedelta(days=60 + 30 * (int(phone[-1]) % 8))
    return await _account(phone, union, registered_at=registered, **kwargs)


async def seed_demo(members: int = 2000) -> DemoTree:
    """The demo data of docs/contract.md: the tree, eight accounts, and `members` synthetic members."""
    if await Member.filter(phone_bidx=phone_index("13900000001")).exists():
        raise RuntimeError("demo data is already seeded")
    tree = await seed_tree()
    a, b = tree.grassroots["A"][0], tree.grassroots["B"][0]
    # Demo accounts' ID numbers use a region the synthetic members never get. They registered
    # months ago (fixed by the phone's last digit), so their scorecard months do not depend on
    # when the seed ran.
    account = functools.partial(_demo_account, utcnow())
    assert tree.pool is not None  # seed_tree made it
    await account("13900000001", tree.pool, verified=False)
    await account("13900000002", a, verified=True, name="张三丰",
                  id_number=synthetic_id_number(1, "610111"))
    await account("13900000003", a, verified=True, name="李建国", role=Role.CADRE,
                  cadre_org=tree.counties["A"], id_number=synthetic_id_number(2, "610111"))
    await account("13900000004", a, verified=True, name="王秀英", role=Role.CADRE,
                  cadre_org=tree.province, id_number=synthetic_id_number(3, "610111"))
    await account("13900000005", tree.pool, verified=False, role=Role.OPERATOR)
    await account("13900000006", b, verified=True, name="赵敏",
                  id_number=synthetic_id_number(4, "610111"))
    # Administrators read the audit log (issue 17); no union role, so no personal data. Two,
    # because the root union's funds need a proposer and another admin to approve them.
    await account("13900000007", tree.pool, verified=False, role=Role.ADMIN)
    await account("13900000008", tree.pool, verified=False, role=Role.ADMIN)
    await seed_members(members, tree.all_grassroots)
    return tree
