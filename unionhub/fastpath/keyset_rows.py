"""A keyset page's rows by one plain SELECT built once per (model, filter shape, order), for
the paged lists of the hot screens (a member's orders, vouchers, service requests; the product
list).

Tortoise builds every page query through pypika (the filter tree resolved, the query copied per
filter, ordering and limit, then rendered): about a thousand Python calls a page in
bench/inproc_screens.py, more than the round trip. The lists those screens page are a model
filtered by plain equalities on its own columns (`Order.filter(member_id=...)`,
`Product.filter(active=True)`); for those the statement text depends only on which columns are
compared, the order and whether a cursor bounds it, so it is kept, and the values go as
parameters. Any other queryset (a Q tree, a lookup such as `__in`, a join, an annotation,
`select_related`/prefetch, a limit or ordering of its own) returns None: the caller pages it
through the ORM (`first_rows`: the same for a plain filter with its own order and limit, a
short unpaged list). Rows become instances as Tortoise's `_init_from_db` (its executor's
constructor) makes them (fastpath/row_instances.py).

Tortoise internals used (compared with the ORM's own page in tests/test_keyset_rows.py):
QuerySet's `_q_objects`, `_filter_kwargs`, `_annotations`, `_custom_filters`, `_prefetch_map`,
`_select_related`, `_fields_for_select`, `_limit`, `_offset`, `_orderings`, `_distinct`,
`_group_bys`, `_having`, `_select_for_update`, `_force_indexes`, `_use_indexes`,
`_choose_db()`; Q's `filters`, `children`, `join_type`, `_is_negated`; `Model._meta` and
`Model._init_from_db`. With the `keyset` part off (`UNIONHUB_FAST_PATH_OFF=keyset` or
`UNIONHUB_FAST_PATH=0`) every page goes through the ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pypika_tortoise import Order
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.router import router

from unionhub.fastpath import attached_rows, one_trip, switch
from unionhub.fastpath.attached_rows import Attach
from unionhub.fastpath.orm_rows import columns_of, keep
from unionhub.fastpath.row_instances import from_rows

M = TypeVar("M", bound=Model)

_SQL: dict[tuple[Any, ...], tuple[str, str]] = {}
_SQL_KEPT = 256  # statements by shape: rebuilt when full

# Queryset attributes that must be empty (falsy) for a plain page.
_EMPTY = ("_filter_kwargs", "_annotations", "_custom_filters", "_prefetch_map",
          "_select_related", "_fields_for_select", "_limit", "_offset", "_orderings",
          "_distinct", "_group_bys", "_having", "_select_for_update", "_force_indexes",
          "_use_indexes", "_single")


def _equalities(qs: QuerySet, allowed: tuple[str, ...] = ()) -> list[tuple[str, Any]] | None:
    """The (column, value) pairs of a queryset that is only ANDed equalities on its model's
    own columns (and the `allowed` attributes), else None."""
    for name in _EMPTY:  # (a loop: this runs on every page)
        if getattr(qs, name, None) and name not in allowed:
            return None
    meta = qs.model._meta
    pairs: list[tuple[str, Any]] = []
    for q in qs._q_objects:
        if not isinstance(q, Q) or q.children or q._is_negated or q.join_type != Q.AND:
            return None
        for name, value in q.filters.items():
            column = meta.fields_db_projection.get(name)
            field = meta.fields_map.get(name)
            if column is None or field is None or value is None or isinstance(value, Model):
                return None
            pairs.append((name, field.to_db_value(value, qs.model)))
    return pairs


def _statement(model: type[Model], names: tuple[str, ...], order: tuple[str, ...],
               cursor: bool, postgres: bool, attach: Attach | None = None) -> tuple[str, str]:
    """The page's statement, and the same with each row's number in the order first ("~n",
    for fastpath/one_trip.py)."""
    key = (model, names, order, cursor, postgres, attach.shape() if attach else None)
    found = _SQL.get(key)
    if found is not None:
        return found
    meta = model._meta
    marks = iter(range(1, 1000))

    def mark() -> str:
        return f"${next(marks)}" if postgres else "?"

    def col(spec: str) -> str:
        return f'"{meta.db_table}"."{meta.fields_db_projection[spec.lstrip("-")]}"'

    where = [f"{col(n)}={mark()}" for n in names]
    if cursor:  # rows strictly beyond the cursor's values: an OR of prefixes (relay._beyond)
        clauses = []
        for i, spec in enumerate(order):
            equal = [f"{col(o)}={mark()}" for o in order[:i]]
            equal.append(f"{col(spec)}{'<' if spec.startswith('-') else '>'}{mark()}")
            clauses.append("(" + " AND ".join(equal) + ")")
        where.append("(" + " OR ".join(clauses) + ")")
    ordering = ",".join(col(s) + (" DESC" if s.startswith("-") else " ASC") for s in order)
    select, joined = columns_of(model), ""
    if attach is not None:  # the related rows' columns beside the page's (attached_rows.py)
        extra, joined = attach.select(model)
        select = f"{attached_rows.qualified_columns(model)}, {extra}"
    rest = (f' FROM "{meta.db_table}"{joined}'
            + (f" WHERE {' AND '.join(where)}" if where else "")
            + f" ORDER BY {ordering} LIMIT {mark()}")
    sql = f"SELECT {select}{rest}"
    numbered = f'SELECT row_number() OVER (ORDER BY {ordering}) AS "~n", {select}{rest}'
    return keep(_SQL, key, (sql, numbered), _SQL_KEPT)


async def page_rows(qs: QuerySet, order: Sequence[str], values: Sequence[Any] | None,
                    limit: int, attach: Attach | None = None) -> list[Model] | None:
    """Up to `limit` rows of `qs` in `order` (specs as keyset_page's, already flipped for a
    backward page), strictly beyond the cursor `values` when given; None when `qs` is not a
    plain filter (the caller then pages through the ORM). With `attach`, its related rows are
    read by the same statement into `attach.found` (on PostgreSQL; elsewhere it stays empty)."""
    if not switch.ON.keyset:
        return None
    pairs = _equalities(qs)
    if pairs is None:
        return None
    return await _read(qs.model, qs._choose_db(), pairs, tuple(order), values, limit, attach)


async def first_rows(qs: QuerySet[M], attach: Attach | None = None) -> list[M]:
    """`await qs` for a plain filter with its own order and limit (`Voucher.filter(member_id=
    m).order_by("-id").limit(n)`): the same rows, by a statement built once; other querysets
    are awaited as they are. `attach`: as `page_rows`."""
    if switch.ON.keyset and qs._limit and qs._orderings and not qs._offset:
        pairs = _equalities(qs, ("_limit", "_orderings"))
        if pairs is not None:
            order = tuple(("-" if o == Order.desc else "") + name for name, o in qs._orderings)
            rows = await _read(qs.model, qs._choose_db(), pairs, order, None, qs._limit, attach)
            if rows is not None:
                return rows  # type: ignore[return-value]
    return await qs


async def first_rows_where(model: type[M], equal: dict[str, Any], order: tuple[str, ...],
                           limit: int, attach: Attach | None = None) -> list[M] | None:
    """`first_rows(model.filter(**equal).order_by(*order).limit(limit))` without building the
    queryset (a few µs a clone: the home screen's vouchers), for equalities on the model's own
    columns; None with the `keyset` part off (the caller awaits the queryset)."""
    if not switch.ON.keyset:
        return None
    fields = model._meta.fields_map
    pairs = [(name, fields[name].to_db_value(value, model)) for name, value in equal.items()]
    db = router.db_for_read(model) or model._meta.db  # as QuerySet._choose_db
    return await _read(model, db, pairs, order, None, limit, attach)  # type: ignore[return-value]


async def _read(model: type[Model], db: Any, pairs: list[tuple[str, Any]],
                order: tuple[str, ...], values: Sequence[Any] | None, limit: int,
                attach: Attach | None = None) -> list[Model] | None:
    meta = model._meta
    if any(s.lstrip("-") not in meta.fields_db_projection for s in order):
        return None
    names = tuple(n for n, _ in pairs)
    postgres = db.capabilities.dialect == "postgres"
    if attach is not None and not (postgres and attach.usable(model)):
        attach = None  # the caller's DataLoader reads them
    sql, numbered = _statement(model, names, order, values is not None, postgres, attach)
    params = [v for _, v in pairs]
    if values is not None:
        fields = meta.fields_map
        typed = [fields[s.lstrip("-")].to_db_value(v, model) for s, v in zip(order, values,
                                                                            strict=True)]
        for i in range(len(order)):
            params.extend(typed[: i + 1])
    params.append(limit)
    found = await one_trip.rows(db, sql, numbered, params)
    if attach is not None:
        return attached_rows.split(model, found, attach)
    return from_rows(model, found)
