"""The union tree: five levels, GB/T 2260 region codes, join codes, subtree queries."""

from __future__ import annotations

import re
import time

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from unionhub.db_replicas import on_primary
from unionhub.errors import NotFound, ValidationFailed
from unionhub.identity import audit
from unionhub.identity.codes import (
    JOIN_CODE_CHARS,
    JOIN_CODE_LENGTH,
    credit_code_warnings,
    credit_code_well_formed,
    new_join_code,
)
from unionhub.identity.enums import LEVEL_DEPTH
from unionhub.identity.models import Union, UnionLevel
from unionhub.identity.regions import region
from unionhub.plaintext import check_plain

_REGION_RE = re.compile(r"^\d{6}$")
HOLDING_POOL_NAME = "新就业形态劳动者入会服务池"


# The GB/T 2260 level a union's code sits at. A grassroots union takes its county's code;
# the holding pool (one per installation, under the province) takes any current code.
_CODE_LEVEL = {UnionLevel.NATIONAL: "NATIONAL", UnionLevel.PROVINCE: "PROVINCE",
               UnionLevel.CITY: "CITY", UnionLevel.COUNTY: "COUNTY",
               UnionLevel.GRASSROOTS: "COUNTY"}


def _check_region(level: UnionLevel, region_code: str, parent: Union | None, *,
                  is_holding_pool: bool = False) -> None:
    if not _REGION_RE.match(region_code):
        raise ValidationFailed("region code must be 6 digits (GB/T 2260)", field="regionCode",
                               code="REGION_CODE_FORMAT")
    found = region(region_code)
    if found is None:
        raise ValidationFailed("region code is not in the GB/T 2260 table", field="regionCode",
                               code="REGION_CODE_UNKNOWN")
    if found.retired:
        raise ValidationFailed("region code was retired from GB/T 2260", field="regionCode",
                               code="REGION_CODE_RETIRED")
    if not is_holding_pool and found.level != _CODE_LEVEL[level]:
        raise ValidationFailed(f"a {level.value.lower()} union needs a "
                               f"{_CODE_LEVEL[level].lower()}-level region code",
                               field="regionCode", code="REGION_CODE_LEVEL")
    if parent is not None and parent.level != UnionLevel.NATIONAL:
        # A child lies inside its parent's region: the parent's significant digits are a prefix.
        significant = parent.region_code.rstrip("0") or parent.region_code
        if len(significant) % 2:
            significant += "0"
        if not region_code.startswith(significant):
            raise ValidationFailed("region code lies outside the parent union's region",
                                   field="regionCode", code="REGION_CODE_OUTSIDE_PARENT")


async def create_union(*, name: str, level: UnionLevel, region_code: str,
                       parent_id: int | None = None, credit_code: str | None = None,
                       auto_approve: bool = False, is_holding_pool: bool = False,
                       actor_id: int | None = None) -> tuple[Union, list[str]]:
    """Create an org under its parent. Returns the union and any warnings (credit code).

    `actor_id`: the person creating it (createUnion). A union they create with auto-approve
    on is audited as setUnionAutoApprove's switch is (`identity.union.auto_approve`,
    {"enabled": true}, in the creation's transaction), so the audit log shows who turned
    auto-approval on for every union, whichever way. The system's own unions (seed data,
    the holding pool: actor_id None) are not audited."""
    name = name.strip()
    if not 2 <= len(name) <= 100:
        raise ValidationFailed("name must be 2–100 characters", field="name", code="NAME_FORMAT")
    check_plain(name, "name")
    parent = None
    if parent_id is not None:
        parent = await Union.get_or_none(id=parent_id)
        if parent is None:
            raise NotFound("parent union not found", field="parentId")
        if not is_holding_pool and LEVEL_DEPTH[level] != LEVEL_DEPTH[parent.level] + 1:
            raise ValidationFailed("a union sits one level below its parent", field="level",
                                   code="LEVEL_MISMATCH")
    _check_region(level, region_code, parent, is_holding_pool=is_holding_pool)
    if auto_approve and (level != UnionLevel.GRASSROOTS or is_holding_pool):
        # (as setUnionAutoApprove refuses it: only a grassroots union takes applications)
        raise ValidationFailed("only a grassroots union takes join applications",
                               field="autoApprove", code="NOT_GRASSROOTS")
    warnings: list[str] = []
    credit_code = (credit_code or "").strip().upper() or None
    if credit_code is not None:
        if not credit_code_well_formed(credit_code):
            raise ValidationFailed(
                "credit code must be 18 characters of the GB 32100 set (digits and capital "
                "letters except I, O, Z, S, V)", field="creditCode", code="CREDIT_CODE_FORMAT")
        warnings = credit_code_warnings(credit_code)
    async with in_transaction():
        union = await Union.create(
            name=name, level=level, parent=parent, region_code=region_code,
            credit_code=credit_code, auto_approve=auto_approve, is_holding_pool=is_holding_pool,
        )
        union.path = f"{parent.path if parent else '/'}{union.id}/"
        fields = ["path"]
        if level == UnionLevel.GRASSROOTS and not is_holding_pool:
            union.join_code = await _unused_join_code()
            fields.append("join_code")
        await union.save(update_fields=fields)
        if auto_approve and actor_id is not None:
            await audit.record(audit.UNION_AUTO_APPROVE, actor_id=actor_id,
                               subject_type="union", subject_id=union.id, union_id=union.id,
                               detail={"enabled": True})
    return union, warnings


async def _unused_join_code() -> str:
    for _ in range(10):
        code = new_join_code()
        if not await Union.exists(join_code=code):
            return code
    raise IntegrityError("could not draw an unused join code")


async def get_union(union_id: int, *, field: str = "unionId") -> Union:
    """`field`: the caller's input name for the id (a UserError names the caller's input)."""
    union = await Union.get_or_none(id=union_id)
    if union is None:
        raise NotFound("union not found", field=field)
    return union


async def union_by_join_code(join_code: str) -> Union:
    code = join_code.strip().upper()
    # Anything that cannot be a join code is unknown without asking the database (and a value
    # longer than the column must not reach it as a server error).
    if len(code) != JOIN_CODE_LENGTH or any(c not in JOIN_CODE_CHARS for c in code):
        union = None
    else:
        union = await Union.get_or_none(join_code=code)
    if union is None or union.level != UnionLevel.GRASSROOTS:
        raise NotFound("no union has this join code", field="joinCode", code="UNKNOWN_JOIN_CODE")
    return union


def children_of(parent_id: int | None) -> QuerySet[Union]:
    """The unions directly under `parent_id` (the roots when None), paged by id."""
    return Union.filter(parent_id=parent_id)


async def children(parent_id: int | None) -> list[Union]:
    return await children_of(parent_id).order_by("id")


def subtree(union: Union) -> QuerySet[Union]:
    """Every union at or below `union`: one prefix scan over the indexed path."""
    return Union.filter(path__startswith=union.path)


# Union rows change rarely (names, join codes) and never move (paths are fixed), so every
# request need not query them: a short-lived per-process copy serves the hot lookup's
# `union { name }`. Read-only; bounded by the number of orgs (140,000 a province).
UNION_CACHE_TTL_SECONDS = 30.0
_union_cache: dict[int, tuple[float, Union]] = {}


def clear_union_cache() -> None:
    _union_cache.clear()


def forget_cached_union(union_id: int) -> None:
    """After a change to a union's row: this process reads it afresh (others within the TTL)."""
    _union_cache.pop(union_id, None)


def cached_union(union_id: int) -> Union | None:
    """The union if this process's cache holds it fresh, without I/O: a resolver that finds it
    here answers at once instead of scheduling a DataLoader load for it."""
    hit = _union_cache.get(union_id)
    return hit[1] if hit is not None and hit[0] > time.monotonic() else None


@on_primary
async def unions_by_ids(ids: list[int]) -> dict[int, Union]:
    now = time.monotonic()
    found: dict[int, Union] = {}
    missing = []
    for union_id in ids:
        hit = _union_cache.get(union_id)
        if hit is not None and hit[0] > now:
            found[union_id] = hit[1]
        else:
            missing.append(union_id)
    if missing:
        for union in await Union.filter(id__in=missing):
            _union_cache[union.id] = (now + UNION_CACHE_TTL_SECONDS, union)
            found[union.id] = union
    return found


async def ensure_holding_pool() -> Union:
    """The pool where workers without a grassroots union wait (with online benefits) until a
    union takes them in. It sits under the first province, so the province's cadres see it."""
    pool = await Union.filter(is_holding_pool=True).order_by("id").first()
    if pool:
        return pool
    async with in_transaction():
        # The first registrations of a new installation race here: the province's row lock
        # lets one create the pool and the others find it (SQLite serialises transactions).
        province = await (Union.filter(level=UnionLevel.PROVINCE).order_by("id")
                          .select_for_update().first())
        pool = await Union.filter(is_holding_pool=True).order_by("id").first()
        if pool:
            return pool
        pool, _ = await create_union(
            name=HOLDING_POOL_NAME, level=UnionLevel.GRASSROOTS,
            region_code=province.region_code if province else "100000",
            parent_id=province.id if province else None, is_holding_pool=True,
        )
    return pool
