"""Fields without argument conversion skip strawberry's per-field wrapper; others keep it."""

from __future__ import annotations

from unionhub.schema.builder import build_schema


def _resolve(schema, type_name: str, field_name: str):
    return schema._schema.type_map[type_name].fields[field_name].resolve


def test_argument_free_fields_get_the_lean_resolver():
    schema = build_schema()
    assert _resolve(schema, "Member", "displayName").__module__ == "unionhub.fastpath.lean"
    assert _resolve(schema, "Member", "idNumber").__module__ == "unionhub.fastpath.lean"
    # Plain scalar arguments pass through strawberry unchanged: only their names are mapped.
    assert _resolve(schema, "Query", "member").__module__ == "unionhub.fastpath.lean"
    # Input objects need strawberry's conversion: those fields keep its wrapper.
    assert _resolve(schema, "Mutation", "login").__module__ != "unionhub.fastpath.lean"

