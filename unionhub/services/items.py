"""Service items (服务项目): what an org offers its whole subtree ("定菜单")."""

from __future__ import annotations

import re

from unionhub.errors import NotFound, ValidationFailed
from unionhub.fastpath.orm_rows import where_in
from unionhub.identity import orgs
from unionhub.identity.access import Principal, require_scope
from unionhub.identity.models import Union
from unionhub.plaintext import check_plain
from unionhub.row_cache import RowCache
from unionhub.services.models import ServiceCategory, ServiceItem, TimeLimitUnit
from unionhub.services.orgpath import path_ids

_FIELD_NAME = re.compile(r"^[a-z][a-zA-Z0-9]{0,39}$")
DESCRIPTION_MAX = 2000  # a longer one was cut there without a word
MAX_LIMIT = {TimeLimitUnit.WORKING_HOURS: 8 * 60, TimeLimitUnit.WORKING_DAYS: 60}


def _check(name: str, time_limit: int, unit: TimeLimitUnit, required_fields: list[str]) -> str:
    name = name.strip()
    if not 2 <= len(name) <= 100:
        raise ValidationFailed("name must be 2–100 characters", field="name", code="NAME_FORMAT")
    check_plain(name, "name")
    if not 0 < time_limit <= MAX_LIMIT[unit]:
        raise ValidationFailed(f"time limit must be between 1 and {MAX_LIMIT[unit]}",
                               field="timeLimit", code="TIME_LIMIT_RANGE")
    if len(required_fields) > 20 or len(set(required_fields)) != len(required_fields):
        raise ValidationFailed("at most 20 distinct required fields", field="requiredFields",
                               code="REQUIRED_FIELDS")
    for i, f in enumerate(required_fields):
        if not _FIELD_NAME.match(f):
            raise ValidationFailed("field names are camelCase words",
                                   field=f"requiredFields[{i}]", code="REQUIRED_FIELDS")
    return name


async def create_item(principal: Principal, *, union_id: int, name: str,
                      category: ServiceCategory, time_limit: int, unit: TimeLimitUnit,
                      required_fields: list[str] | None = None,
                      description: str = "") -> ServiceItem:
    """A cadre of the offering org (or above it) puts an item on its subtree's menu."""
    union = await orgs.get_union(union_id)
    require_scope(principal, union.path)
    return await add_item(union, name=name, category=category, time_limit=time_limit,
                          unit=unit, required_fields=required_fields, description=description)


async def add_item(union: Union, *, name: str, category: ServiceCategory, time_limit: int,
                   unit: TimeLimitUnit, required_fields: list[str] | None = None,
                   description: str = "") -> ServiceItem:
    required = list(required_fields or [])
    name = _check(name, time_limit, unit, required)
    description = check_plain(description.strip(), "description", lines=True)
    if len(description) > DESCRIPTION_MAX:
        raise ValidationFailed(f"a description has at most {DESCRIPTION_MAX} characters",
                               field="description", code="DESCRIPTION_TOO_LONG")
    item = await ServiceItem.create(
        union_id=union.id, union_path=union.path, name=name, category=category,
        description=description, time_limit=time_limit, time_limit_unit=unit,
        required_fields=required,
    )
    item_rows.forget(item.id)  # its id may be cached as not found (row_cache.py)
    return item


async def get_item(item_id: int) -> ServiceItem:
    item = await ServiceItem.get_or_none(id=item_id)
    if item is None:
        raise NotFound("service item not found", field="itemId")
    return item


async def items_available_to(union: Union, category: ServiceCategory | None = None,
                             ) -> list[ServiceItem]:
    """What a member of `union` may request: items offered by the union or any org above it."""
    qs = ServiceItem.filter(union_id__in=path_ids(union.path), active=True)
    if category is not None:
        qs = qs.filter(category=category)
    return await qs.order_by("id")


async def all_items(category: ServiceCategory | None = None, limit: int = 200) -> list[ServiceItem]:
    qs = ServiceItem.filter(active=True)
    if category is not None:
        qs = qs.filter(category=category)
    return await qs.order_by("id").limit(limit)


async def items_offered_by(union_ids: list[int]) -> dict[int, list[ServiceItem]]:
    """Active items offered by each union (one query, for a DataLoader)."""
    found: dict[int, list[ServiceItem]] = {i: [] for i in union_ids}
    for item in await ServiceItem.filter(union_id__in=union_ids, active=True).order_by("id"):
        found[item.union_id].append(item)
    return found


async def _items_by_ids(ids: list[int]) -> dict[int, ServiceItem]:
    return {i.id: i for i in await where_in(ServiceItem, "id", ids)}


# Items are written only when created (`add_item`) and every service request shows its item's
# name: kept per process (unionhub/row_cache.py). Whoever may see a request may see its item.
ITEM_CACHE_TTL_SECONDS = 60.0
item_rows = RowCache("services.items", ITEM_CACHE_TTL_SECONDS, _items_by_ids)


async def items_by_ids(ids: list[int]) -> dict[int, ServiceItem]:
    return await item_rows.get_many(ids)
