"""The `Fen` scalar: sums of money that a province's figures push past GraphQL's Int.

GraphQL's Int is 32-bit: at most 2,147,483,647 fen, ¥21,474,836.47, which a province's mall
sales, a city-wide voucher budget or a year of union funds pass; graphql-core then fails the
field instead of answering. `Fen` is a JSON integer up to 2^53 − 1 (what JavaScript's numbers
hold exactly), the same on the wire as an Int below 2^31, so existing documents keep working.
Output sums and totals use it; single order amounts and inputs stay Int (an input's type is
written into clients' variable declarations, so changing it would break their documents).
"""

from __future__ import annotations

from typing import Any, NewType

import strawberry
from graphql import IntValueNode, ValueNode

MAX_SAFE = 2 ** 53 - 1


def _serialize(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_SAFE:
        raise ValueError(f"Fen cannot represent {value!r}: a whole number of fen up to 2^53 − 1")
    return value


def _parse_literal(node: ValueNode, _variables: Any = None) -> int:
    if not isinstance(node, IntValueNode):
        raise ValueError("Fen must be an integer literal")
    return _serialize(int(node.value))


Fen = NewType("Fen", int)

# The schema's `StrawberryConfig.scalar_map` entry (schema/builder.py): strawberry's
# recommended way to declare a scalar over a NewType.
FEN_SCALAR = strawberry.scalar(
    name="Fen",
    description="An amount of money in fen (分, 1/100 yuan): a JSON integer up to 2^53 − 1. "
                "Sums and totals use it because GraphQL's Int stops at 2^31 − 1 fen "
                "(¥21,474,836.47), which a province's figures pass.",
    serialize=_serialize, parse_value=_serialize, parse_literal=_parse_literal)
