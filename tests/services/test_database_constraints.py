"""The services tables' CHECK constraints are in the database, not only in the models' Meta
(Tortoise's CreateModel records them without creating them), and so is every other CHECK a
model declares."""

from __future__ import annotations

import pytest
from tortoise import Tortoise
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.migrations.constraints import CheckConstraint

from tests.services.helpers import make_item
from unionhub import db
from unionhub.clock import utcnow
from unionhub.services.models import (
    PointKind,
    ServiceCategory,
    ServiceItem,
    ServicePoint,
    ServiceRequest,
    TimeLimitUnit,
)

REFUSED = (IntegrityError, OperationalError)


async def test_a_service_item_needs_a_positive_time_limit(factory):
    tree = await factory.tree()
    union = tree.counties["A"]
    row = dict(union_id=union.id, union_path=union.path, name="法律援助",
               category=ServiceCategory.LEGAL_AID, time_limit_unit=TimeLimitUnit.WORKING_DAYS)
    for bad in (0, -3):
        with pytest.raises(REFUSED):
            await ServiceItem.create(**row, time_limit=bad)
    await ServiceItem.create(**row, time_limit=1)
    assert await ServiceItem.filter(union_id=union.id).count() == 1


async def test_a_rating_is_one_to_five_or_none(factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    item = await make_item(cadre, tree.counties["A"])
    now = utcnow()
    request = await ServiceRequest.create(
        item=item, member_id=member.member.id, member_union_id=tree.grassroots["A"][0].id,
        handling_union_id=tree.counties["A"].id, handling_path=tree.counties["A"].path,
        details="欠薪", submitted_at=now, deadline=now)
    for bad in (0, 6, 9):
        with pytest.raises(REFUSED):
            await ServiceRequest.filter(id=request.id).update(rating=bad)
    await ServiceRequest.filter(id=request.id).update(rating=5)
    await ServiceRequest.filter(id=request.id).update(rating=None)
    assert (await ServiceRequest.get(id=request.id)).rating is None


async def test_a_service_point_lies_on_the_map(factory):
    tree = await factory.tree()
    row = dict(union_id=tree.counties["A"].id, name="职工服务中心", kind=PointKind.SERVICE_CENTER)
    for latitude, longitude in ((86.0, 120.0), (-90.0, 120.0), (30.0, 181.0), (30.0, -180.5)):
        with pytest.raises(REFUSED):
            await ServicePoint.create(**row, latitude=latitude, longitude=longitude)
    await ServicePoint.create(**row, latitude=30.27, longitude=120.15)
    assert await ServicePoint.all().count() == 1


async def _database_sql_and_names() -> tuple[set[str], str]:
    """The CHECK constraint names PostgreSQL holds, or SQLite's schema text (tables and
    triggers), where a CHECK is named inside its table's statement or as a trigger."""
    connection = db.conn()
    if db.is_postgres():
        rows = await connection.execute_query_dict(
            "SELECT conname FROM pg_constraint WHERE contype = 'c'")
        return {row["conname"] for row in rows}, ""
    rows = await connection.execute_query_dict(
        "SELECT sql FROM sqlite_master WHERE type IN ('table', 'trigger') AND sql IS NOT NULL")
    return set(), "\n".join(row["sql"] for row in rows)


async def test_every_check_a_model_declares_is_in_the_database():
    names, sqlite_schema = await _database_sql_and_names()
    declared = [(model.__name__, constraint.name)
                for app in Tortoise.apps.values() for model in app.values()
                for constraint in getattr(model._meta, "constraints", ()) or ()
                if isinstance(constraint, CheckConstraint)]
    assert declared, "no model declares a CHECK: the test would prove nothing"
    missing = [(model, name) for model, name in declared
               if name not in names and f'"{name}' not in sqlite_schema
               and f"CONSTRAINT {name} " not in sqlite_schema]
    assert not missing, f"declared in Meta but not created by any migration: {missing}"
