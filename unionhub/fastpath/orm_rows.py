"""Model instances read by one plain SELECT, for the DataLoaders of the hot screens.

Tortoise builds each query through pypika (a query tree copied per filter, then rendered) and
that costs more CPU than the round trip for the small by-key reads every screen makes (a
product's SKUs, an order's lines, a voucher's campaign: about 300 Python calls each in
bench/inproc_screens.py). Here the statement text is built once per model, column and number of
keys, and rows become instances as Tortoise's own `_init_from_db` (the constructor its executor
uses) makes them (fastpath/row_instances.py), so the instances are the ones the ORM would have
returned. The connection is
the model's as the ORM would pick it (a replica while `db_replicas.replica_read` routes).

Tortoise internals used (pinned with tortoise-orm's cap, compared with the ORM's own query in
tests/test_fast_path_modes.py): `Model._meta.fields_db_projection`, `_meta.db_table`,
`_meta.db` and `Model._init_from_db`. With the `orm` part off (`UNIONHUB_FAST_PATH_OFF=orm`
or `UNIONHUB_FAST_PATH=0`) the same reads go through the ORM's public queryset.
"""

from __future__ import annotations

from typing import Any, TypeVar

from tortoise.models import Model

from unionhub.fastpath import switch
from unionhub.fastpath.row_instances import from_rows

M = TypeVar("M", bound=Model)
V = TypeVar("V")

_SQL: dict[tuple[type[Model], str, int, str, bool], str] = {}
_SQL_KEPT = 512  # statements by (model, column, key count, order): rebuilt when full


def columns_of(model: type[Model]) -> str:
    """Every column the model's instances are made from, quoted, in the ORM's order."""
    return ", ".join(f'"{c}"' for c in model._meta.fields_db_projection.values())


def keep(statements: dict[Any, V], key: Any, sql: V, most: int) -> V:
    """Remember a statement's text by its shape; the whole set is rebuilt when full."""
    if len(statements) >= most:
        statements.clear()
    statements[key] = sql
    return sql


async def instances(model: type[M], db: Any, sql: str, params: list[Any]) -> list[M]:
    """The rows of `sql` as the model's instances, made as Tortoise's executor makes them."""
    return from_rows(model, await db.execute_query_dict(sql, params))


def _select(model: type[Model], column: str, keys: int, order: str, postgres: bool) -> str:
    cache_key = (model, column, keys, order, postgres)
    sql = _SQL.get(cache_key)
    if sql is None:
        marks = ", ".join(f"${i}" if postgres else "?" for i in range(1, keys + 1))
        direction = " DESC" if order.startswith("-") else ""
        sql = keep(_SQL, cache_key, (
            f'SELECT {columns_of(model)} FROM "{model._meta.db_table}" '  # noqa: S608
            f'WHERE "{column}" IN ({marks}) ORDER BY "{order.lstrip("-")}"{direction}'),
            _SQL_KEPT)
    return sql


async def where_in(model: type[M], column: str, keys: list[Any], order: str = "id") -> list[M]:
    """`model.filter(<column>__in=keys).order_by(order)`, as instances; `column` is the
    database column (e.g. "product_id"), `order` a column, "-" first for descending."""
    if not keys:
        return []
    if not switch.ON.orm:  # the public path: the ORM builds the same query
        return await model.filter(**{f"{column}__in": keys}).order_by(order)
    db = model._meta.db
    sql = _select(model, column, len(keys), order, db.capabilities.dialect == "postgres")
    return await instances(model, db, sql, keys)
