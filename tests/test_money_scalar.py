"""The Fen scalar (schema/money.py) against graphql-core's own scalar machinery: whole numbers up
to 2^53 − 1 pass, anything else is refused rather than rounded."""

from __future__ import annotations

import pytest
from graphql import parse_value

from unionhub.schema.builder import build_schema

FEN = build_schema().as_str()


def _fen():
    return build_schema()._schema.type_map["Fen"]


def test_the_schema_declares_fen_with_its_description():
    assert 'scalar Fen' in FEN and "2^53" in FEN


@pytest.mark.parametrize("value", [0, 2_147_483_648, -5, 2 ** 53 - 1])
def test_whole_numbers_up_to_2_53_serialize_unchanged(value):
    assert _fen().serialize(value) == value


@pytest.mark.parametrize("value", [2 ** 53, 1.5, "100", True, None])
def test_anything_else_is_refused(value):
    with pytest.raises(ValueError):
        _fen().serialize(value)


def test_literals_parse_as_integers_only():
    assert _fen().parse_literal(parse_value("3000000000")) == 3_000_000_000
    with pytest.raises(ValueError):
        _fen().parse_literal(parse_value('"3000000000"'))
