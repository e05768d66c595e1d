"""The compiled executor names enum members by a dict built once (fastpath/compiled_values.py's
`leaf_coercer`) instead of strawberry's loop over the type's values: the same name for every
member of every enum of the platform schema, and the same error for anything else."""

from __future__ import annotations

from enum import Enum

import pytest
from graphql import GraphQLEnumType

from unionhub.fastpath.compiled_values import leaf_coercer
from unionhub.schema.builder import build_schema


def _enums() -> list[GraphQLEnumType]:
    schema = build_schema()._schema
    return [t for t in schema.type_map.values()
            if isinstance(t, GraphQLEnumType) and isinstance(getattr(t, "wrapped_cls", None), type)
            and issubclass(t.wrapped_cls, Enum)]


def test_every_member_is_named_as_strawberry_names_it():
    enums = _enums()
    assert len(enums) > 10  # the platform's own enums (RequestStatus, Tier, VoucherStatus...)
    for type_ in enums:
        fast = leaf_coercer(type_)
        assert fast is not type_.coerce_output_value, type_.name  # the dict, not the loop
        for member in type_.wrapped_cls:
            assert fast(member) == type_.coerce_output_value(member), (type_.name, member)


def test_anything_else_gets_strawberrys_answer_or_error():
    type_ = next(t for t in _enums() if t.name == "RequestStatus")
    fast = leaf_coercer(type_)
    some_name = next(iter(type_.values))
    assert fast(some_name) == type_.coerce_output_value(some_name)  # graphql-core's lookup
    with pytest.raises(Exception) as fast_error:
        fast(object())
    with pytest.raises(Exception) as error:
        type_.coerce_output_value(object())
    assert type(fast_error.value) is type(error.value)
