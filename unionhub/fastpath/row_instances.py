"""Model instances from the fast path's rows (keyset_rows, attached_rows, orm_rows), as
Tortoise's `_init_from_db` makes them, for less CPU: a service request's 27 columns cost about
12 µs through `_init_from_db` and 5 here, most of it its eight datetimes, each of which
`DatetimeField.to_python_value` converts after reading USE_TZ from the environment and asking
for the default time zone again.

Per model, once: which columns are stored as they come (Tortoise's `db_native_fields`), which
are passed through their field's type (`db_default_fields`), and which need the field's own
`to_python_value` (`db_complex_fields`); a plain `DatetimeField` among those is converted here
as it converts an aware value (`astimezone` to the default zone, read once per batch of rows),
anything else (a naive value, another type) by the field itself. The four attributes
`_init_from_db` sets on every instance are set alike. A row without every column (a partial
read) goes to `_init_from_db`. With USE_TZ off, or the `orm` part off
(`UNIONHUB_FAST_PATH_OFF=orm`, `UNIONHUB_FAST_PATH=0`), every row goes to `_init_from_db`.

Tortoise internals used: `Model._meta.db_native_fields`, `db_default_fields`,
`db_complex_fields`, `db_pk_column`, `generated_db_fields`; the instance attributes `_partial`,
`_saved_in_db`, `_custom_generated_pk`, `_await_when_save`. Compared attribute by attribute
(with types and time zones) with `_init_from_db` in tests/mall/test_row_instances.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from tortoise.fields.data import DatetimeField
from tortoise.models import Model
from tortoise.timezone import get_default_timezone, get_use_tz

from unionhub.fastpath import switch

M = TypeVar("M", bound=Model)

# (key, attribute, converter: None for a plain DatetimeField, else the field's to_python_value)
_Complex = list[tuple[str, str, Callable[[Any], Any] | None]]
_Plan = tuple[list[tuple[str, str]], list[tuple[str, str, Any]], _Complex, bool]
_plans: dict[type[Model], _Plan] = {}


def _plan(model: type[Model]) -> _Plan:
    plan = _plans.get(model)
    if plan is None:
        meta = model._meta
        plan = _plans[model] = (
            [(key, attribute) for key, attribute, _ in meta.db_native_fields],
            [(key, attribute, field.field_type) for key, attribute, field in
             meta.db_default_fields],
            [(key, attribute, None if type(field) is DatetimeField else field.to_python_value)
             for key, attribute, field in meta.db_complex_fields],
            meta.db_pk_column not in meta.generated_db_fields)
    return plan


def from_rows(model: type[M], rows: list[dict[str, Any]]) -> list[M]:
    """`[model._init_from_db(**row) for row in rows]`."""
    if not rows:
        return []
    if not switch.ON.orm or not get_use_tz():
        return [model._init_from_db(**row) for row in rows]
    native, default, complex_, custom_pk = _plan(model)
    zone = get_default_timezone()
    fields = model._meta.fields_map
    out = []
    for row in rows:
        instance = model.__new__(model)
        values = instance.__dict__
        values["_partial"] = False
        values["_saved_in_db"] = True
        values["_custom_generated_pk"] = custom_pk
        values["_await_when_save"] = {}
        try:
            for key, attribute in native:
                values[attribute] = row[key]
            for key, attribute, kind in default:
                value = row[key]
                values[attribute] = kind(value) if value is not None else None
            for key, attribute, convert in complex_:
                value = row[key]
                if convert is not None:
                    values[attribute] = convert(value)
                elif type(value) is datetime and value.utcoffset() is not None:
                    values[attribute] = value.astimezone(zone)
                else:  # None, naive or not a datetime: as the field converts it
                    values[attribute] = fields[attribute].to_python_value(value)
        except KeyError:  # a partial row: Tortoise's slower path
            instance = model._init_from_db(**row)
        out.append(instance)
    return out


def from_row(model: type[M], row: dict[str, Any]) -> M:
    return from_rows(model, [row])[0]
