"""The fast path's executor (the compiled plan over the direct resolvers of fastpath/lean.py)
answers as the installed strawberry and graphql-core do, on what tests/test_compiled_executor.py
leaves out: input objects, enums, custom scalars, nested and non-null lists, interfaces and
unions, errors inside lists, @skip/@include, fragments on abstract types, and aliases of one
field with different arguments. Issue 23, point 3; tests/test_generated_documents.py does
the same over the real schema with generated documents."""

from __future__ import annotations

import asyncio
import datetime
import enum
from decimal import Decimal
from typing import Annotated, Any, NewType

import pytest
import strawberry
from graphql import ExecutionResult, parse, validate
from strawberry.schema.config import StrawberryConfig

from tests.execution_errors import _errors
from unionhub.fastpath.compiled import compile_operation
from unionhub.fastpath.lean import install_lean_resolvers

Money = NewType("Money", Decimal)
_MONEY = strawberry.scalar(name="Money", serialize=lambda v: f"{v:.2f}",
                           parse_value=lambda v: Decimal(str(v)))


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


@strawberry.input
class Filter:
    colour: Colour | None = None
    min_price: Money | None = None
    tags: list[str] = strawberry.field(default_factory=list)
    nested: Filter | None = None


@strawberry.interface
class Thing:
    id: strawberry.ID

    @strawberry.field
    def label(self, upper: bool = False) -> str:
        text = f"thing {self.id}"
        return text.upper() if upper else text


@strawberry.type
class Pen(Thing):
    colour: Colour
    price: Money

    @strawberry.field
    def sizes(self) -> list[list[int | None]]:
        return [[1, None], [], [3]]

    @strawberry.field
    def strict_sizes(self) -> list[list[int]]:
        return [[1, 2], [3]]

    @strawberry.field
    async def made(self) -> datetime.date:
        await asyncio.sleep(0)
        return datetime.date(2026, 12, 5)


@strawberry.type
class Ink(Thing):
    litres: float

    @strawberry.field
    def fails(self) -> str:
        raise ValueError(f"ink {self.id} fails")

    @strawberry.field
    def soft(self) -> str | None:
        raise ValueError("soft")


Item = Annotated[Pen | Ink, strawberry.union("Item")]
_PENS = [Pen(id=strawberry.ID(str(i)), colour=c, price=Decimal(i) + Decimal("0.5"))
         for i, c in enumerate([Colour.RED, Colour.GREEN, Colour.RED], start=1)]
_INKS = [Ink(id=strawberry.ID(f"i{i}"), litres=i / 2) for i in range(1, 3)]


def _matches(pen: Pen, where: Filter | None) -> bool:
    if where is None:
        return True
    return ((where.colour is None or pen.colour == where.colour)
            and (where.min_price is None or pen.price >= where.min_price)
            and _matches(pen, where.nested))


@strawberry.type
class Query:
    @strawberry.field
    def pens(self, where: Filter | None = None, first: int = 10) -> list[Pen]:
        return [p for p in _PENS if _matches(p, where)][:first]

    @strawberry.field
    def pen(self, id: strawberry.ID) -> Pen | None:
        return next((p for p in _PENS if p.id == id), None)

    @strawberry.field
    def items(self) -> list[Item]:
        return [_PENS[0], _INKS[0], _PENS[1], _INKS[1]]

    @strawberry.field
    def things(self) -> list[Thing]:
        return [_INKS[0], _PENS[2]]

    @strawberry.field
    def strict_inks(self) -> list[Ink]:
        return list(_INKS)

    @strawberry.field
    def colours(self, given: list[Colour]) -> list[Colour]:
        return list(reversed(given))

    @strawberry.field
    def total(self, prices: list[Money], rate: float = 1.0) -> Money:
        return Money(sum(prices, Decimal(0)) * Decimal(str(rate)))

    @strawberry.field
    def grid(self, rows: list[list[int]]) -> list[list[int]]:
        return [list(reversed(r)) for r in rows]

    @strawberry.field
    def echo(self, text: str, times: int = 1) -> str:
        return text * times


def _schema() -> strawberry.Schema:
    return strawberry.Schema(query=Query, types=[Pen, Ink],
                             config=StrawberryConfig(scalar_map={Money: _MONEY}))


REFERENCE = _schema()
FAST = _schema()
assert install_lean_resolvers(FAST) > 0  # the direct resolvers where they apply


async def _fast(query: str, variables: dict[str, Any] | None) -> tuple[Any, bool]:
    """The fast path's answer, and whether the compiled plan gave it (else graphql-core, over
    the direct resolvers, as the pipeline falls back)."""
    document = parse(query)
    invalid = validate(FAST._schema, document)  # plans are made for validated documents only
    if invalid:
        return ExecutionResult(None, invalid), False
    compiled = compile_operation(FAST._schema, document, None)
    if compiled is None:
        return await FAST.execute(query, variable_values=variables), False
    return await compiled.execute(None, None, variables), True


CASES: dict[str, tuple[str, dict[str, Any] | None, bool]] = {
    "an input object with an enum, a custom scalar and a nested input": (
        '{ pens(where: {colour: RED, minPrice: "2", nested: {tags: ["a"]}}) { id price } }',
        None, True),
    "an input object as a variable": (
        "query Q($w: Filter) { pens(where: $w) { id colour } }",
        {"w": {"colour": "GREEN", "nested": {"minPrice": 1}}}, True),
    "an input object with a wrong enum value": (
        "query Q($w: Filter) { pens(where: $w) { id } }", {"w": {"colour": "BLUE"}}, True),
    "enums in and out, a list of them": (
        "{ colours(given: [RED, GREEN, GREEN]) pens { colour } }", None, True),
    "custom scalars in and out": (
        'query Q($p: [Money!]!) { total(prices: $p, rate: 1.5) pen(id: "2") { price made } }',
        {"p": ["1.25", 2]}, True),
    "nested lists with null items": ('{ pen(id: "1") { sizes strictSizes } }', None, True),
    "a nested non-null list argument": ("{ grid(rows: [[1, 2], [], [3]]) }", None, True),
    "a null inside a non-null nested list argument": ("{ grid(rows: [[1, null]]) }", None, False),
    "a null inside a non-null nested list variable": (
        "query Q($r: [[Int!]!]!) { grid(rows: $r) }", {"r": [[1, None]]}, True),
    "a union with fragments on each member and __typename": (
        "{ items { __typename ... on Pen { id colour } ... on Ink { litres } } }", None, True),
    "an interface with its own and possible types' fields": (
        "{ things { __typename id label ... on Pen { price } ... on Ink { litres } } }",
        None, True),
    "named fragments on abstract types": (
        "query { items { ...T ... on Thing { label(upper: true) } } things { ...T } } "
        "fragment T on Thing { id ... on Pen { colour } }", None, True),
    "errors inside a list (nullable and non-null fields)": (
        "{ items { ... on Ink { id soft } } strictInks { id fails } echo(text: \"ok\") }",
        None, True),
    "an error inside a list nulls only its item's nullable parent": (
        "{ things { id ... on Ink { soft } } }", None, True),
    "aliases of one field with different arguments": (
        '{ a: echo(text: "x") b: echo(text: "y", times: 3) '
        'red: pens(where: {colour: RED}) { id } green: pens(where: {colour: GREEN}) { id } '
        'pen(id: "1") { plain: label loud: label(upper: true) } }', None, True),
    "@skip and @include, literal and variable": (
        "query Q($yes: Boolean!) { pens { id price @skip(if: $yes) colour @include(if: $yes) "
        "... on Pen @include(if: false) { made } } echo(text: \"x\") @skip(if: true) }",
        {"yes": True}, False),
    "@include on a fragment spread over an abstract type": (
        "query Q($no: Boolean!) { items { ...P @include(if: $no) ... on Ink { id } } } "
        "fragment P on Pen { id colour }", {"no": False}, False),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_the_fast_path_answers_as_the_installed_libraries(case):
    query, variables, compiles = CASES[case]
    reference = await REFERENCE.execute(query, variable_values=variables)
    fast, compiled = await _fast(query, variables)
    assert compiled is compiles
    assert fast.data == reference.data
    assert _errors(fast) == _errors(reference)
    assert reference.data is not None or reference.errors  # the case answers something
