"""Related rows read in the same statement as a keyset page (fastpath/keyset_rows.py), so that a
screen's list and what each of its rows shows cost one round trip instead of two: a voucher's
campaign (a LEFT JOIN), an order's lines (a JSON array per row, by a correlated subquery).

The caller passes a `Parent` or `Children` with the page read and, after it, primes its
request's DataLoader with `found`; when the page went through the ORM (the `keyset` part off,
a filter the fast path does not handle) or the database is not PostgreSQL, `found` stays
empty and the DataLoader reads them as before (one query per batch). The related rows are
read by the same statement as the page, so they are exactly as fresh as the page itself:
nothing is cached across requests.

Tortoise internals used (as in keyset_rows.py): `Model._meta.fields_db_projection`,
`_meta.fields_map`, `_meta.db_table`, `_meta.db_pk_column`; instances made as
`Model._init_from_db` makes them (fastpath/row_instances.py). Compared
with the DataLoaders' own reads in tests/mall/test_attached_rows.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from tortoise import fields as f
from tortoise.models import Model

from unionhub.fastpath.row_instances import from_row, from_rows

M = TypeVar("M", bound=Model)

# Fields whose values come back from json_build_array as the Python values the ORM makes.
_JSON_NATIVE = (f.IntField, f.BigIntField, f.SmallIntField, f.CharField, f.TextField,
                f.BooleanField)


def _columns(model: type[Model]) -> list[str]:
    return list(model._meta.fields_db_projection.values())


def qualified_columns(model: type[Model]) -> str:
    table = model._meta.db_table
    return ", ".join(f'"{table}"."{c}"' for c in _columns(model))


@dataclass(eq=False)
class Parent(Generic[M]):
    """The row each page row refers to by `column` (e.g. a voucher's "campaign_id"); after the
    read, `found` holds them by id."""
    model: type[M]
    column: str
    found: dict[Any, M] = field(default_factory=dict)

    def shape(self) -> tuple[Any, ...]:
        return ("parent", self.model, self.column)

    def usable(self, page: type[Model]) -> bool:
        return self.column in page._meta.fields_db_projection.values()

    def select(self, page: type[Model]) -> tuple[str, str]:
        """(select-list addition, FROM addition)."""
        meta = self.model._meta
        extra = ", ".join(f'"j"."{c}" AS "j.{c}"' for c in _columns(self.model))
        join = (f' LEFT JOIN "{meta.db_table}" "j" ON "j"."{meta.db_pk_column}" = '
                f'"{page._meta.db_table}"."{self.column}"')
        return extra, join

    def take(self, row: dict[str, Any]) -> None:
        key = row.get(f"j.{self.model._meta.db_pk_column}")
        if key is not None and key not in self.found:
            self.found[key] = from_row(self.model,
                                       {c: row[f"j.{c}"] for c in _columns(self.model)})


@dataclass(eq=False)
class Children(Generic[M]):
    """The rows that refer to each page row by their `column` (e.g. an order line's
    "order_id"), in `order` (a column, ascending); after the read, `found` holds every page
    row's list (empty lists included) by the page row's id. Only for models whose columns
    JSON carries as the ORM's own values (integers, text, booleans)."""
    model: type[M]
    column: str
    order: str = "id"
    found: dict[Any, list[M]] = field(default_factory=dict)

    def shape(self) -> tuple[Any, ...]:
        return ("children", self.model, self.column, self.order)

    def usable(self, page: type[Model]) -> bool:
        meta = self.model._meta
        return all(isinstance(meta.fields_map[name], _JSON_NATIVE)
                   for name in meta.fields_db_projection)

    def select(self, page: type[Model]) -> tuple[str, str]:
        meta = self.model._meta
        values = ", ".join(f'"c"."{c}"' for c in _columns(self.model))
        return (f'(SELECT json_agg(json_build_array({values}) ORDER BY "c"."{self.order}") '  # noqa: S608
                f'FROM "{meta.db_table}" "c" WHERE "c"."{self.column}" = '
                f'"{page._meta.db_table}"."{page._meta.db_pk_column}") AS "c.rows"', "")

    def take(self, row: dict[str, Any], key: Any) -> None:
        raw = row["c.rows"]
        if isinstance(raw, str):
            raw = json.loads(raw)
        columns = _columns(self.model)
        self.found[key] = from_rows(self.model, [dict(zip(columns, values, strict=True))
                                                 for values in raw or ()])


Attach = Parent[Any] | Children[Any]


def split(page: type[Model], rows: list[dict[str, Any]], attach: Attach) -> list[Model]:
    """The page's instances from joined rows; `attach.found` filled."""
    columns = _columns(page)
    pk = page._meta.db_pk_column
    for row in rows:
        if isinstance(attach, Parent):
            attach.take(row)
        else:
            attach.take(row, row[pk])
    return from_rows(page, [{c: row[c] for c in columns} for row in rows])
