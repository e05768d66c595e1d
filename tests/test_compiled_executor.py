"""The compiled executor answers exactly as graphql-core does: the same data, the same errors
(message, locations, path), the same DataLoader batches, mutations in order; and documents it
does not compile are left to graphql-core."""

from __future__ import annotations

import asyncio
from enum import Enum
from typing import Annotated, Any

import pytest
import strawberry
from graphql import parse
from strawberry.dataloader import DataLoader

from tests.execution_errors import _errors
from unionhub.fastpath.compiled import compile_operation
from unionhub.schema.builder import build_schema

AUTHORS = {1: "鲁迅", 2: "老舍"}


@strawberry.interface
class Node:
    id: strawberry.ID


@strawberry.type
class Author(Node):
    name: str


@strawberry.enum
class Section(Enum):
    NEW = "new"
    OLD = "old"


@strawberry.type
class Book(Node):
    title: str
    author_id: strawberry.Private[int]
    # Plain attributes (strawberry only getattrs them; the compiled executor reads them itself)
    shelf: Section = Section.NEW
    pages: list[int | None] = strawberry.field(default_factory=lambda: [3, None, 5])
    blank: str = None  # type: ignore[assignment]  # a non-null attribute holding null

    @strawberry.field
    async def author(self, info: strawberry.Info) -> Author:
        return await info.context["authors"].load(self.author_id)

    @strawberry.field
    def broken(self) -> str:
        raise ValueError(f"book {self.id} is broken")

    @strawberry.field
    def maybe(self) -> str | None:
        raise ValueError("soft failure")

    @strawberry.field
    async def slow_broken(self) -> str:
        await asyncio.sleep(0)
        raise ValueError("async failure")

    @strawberry.field
    def nothing(self) -> str:
        return None  # type: ignore[return-value]  # a non-null field returning null

    @strawberry.field
    def tags(self) -> list[str | None]:
        return ["a", None, "b"]


@strawberry.type
class Plate:
    text: str


@strawberry.type
class Shelf:
    """Fields without resolvers (strawberry's basic fields): the plan reads their attributes."""
    label: str
    size: int
    note: str | None = None
    plate: Plate | None = None
    fixed: Plate = strawberry.field(default_factory=lambda: Plate(text="x"))
    plates: list[Plate | None] = strawberry.field(default_factory=list)
    author: Author | None = None  # a type with is_type_of (an interface's): read as before


async def _later(value: int) -> int:
    await asyncio.sleep(0)
    return value


Result = Annotated[Book | Author, strawberry.union("Result")]


def _books(n: int) -> list[Book]:
    return [Book(id=strawberry.ID(str(i)), title=f"第{i}卷", author_id=1 + i % 2)
            for i in range(1, n + 1)]


@strawberry.type
class Query:
    @strawberry.field
    def books(self, first: int = 2) -> list[Book]:
        return _books(first)

    @strawberry.field
    async def book(self, id: strawberry.ID) -> Book | None:
        await asyncio.sleep(0)
        return next((b for b in _books(5) if b.id == id), None)

    @strawberry.field
    def search(self, text: str) -> list[Result]:
        return [*_books(2), Author(id=strawberry.ID("1"), name=AUTHORS[1])] if text else []

    @strawberry.field
    def nodes(self) -> list[Node]:
        return [Author(id=strawberry.ID("2"), name=AUTHORS[2]), *_books(1)]

    @strawberry.field
    async def async_books(self) -> list[Book]:
        await asyncio.sleep(0)
        return _books(3)

    @strawberry.field
    def strict(self) -> list[Book]:
        return _books(2)

    @strawberry.field
    def holes(self) -> list[Book]:
        return [*_books(1), None]  # type: ignore[list-item]  # a non-null item holding null

    @strawberry.field
    def lost(self) -> Book:
        return None  # type: ignore[return-value]  # a non-null object returning null

    @strawberry.field
    def echo(self, text: str, times: int = 1) -> str:
        return text * times

    @strawberry.field
    def shelves(self) -> list[Shelf | None]:
        # A non-null basic field holding None, one holding an awaitable, a plain one.
        return [Shelf(label=None, size=1),  # type: ignore[arg-type]
                Shelf(label="b", size=_later(2), note="n", plate=Plate(text="p"),  # type: ignore[arg-type]
                      plates=[Plate(text="q"), None], author=Author(id=strawberry.ID("1"),
                                                                    name=AUTHORS[1])),
                Shelf(label="c", size=3, fixed=None),  # type: ignore[arg-type]
                Shelf(label="d", size=4, plates=[Plate(text=None)])]  # type: ignore[arg-type, list-item]


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def slow(self, info: strawberry.Info, label: str) -> str:
        for _ in range(3):
            await asyncio.sleep(0)
        info.context["log"].append(label)
        return label

    @strawberry.mutation
    def fast(self, info: strawberry.Info, label: str) -> str:
        info.context["log"].append(label)
        return label


SCHEMA = strawberry.Schema(query=Query, mutation=Mutation, types=[Author, Book])


def _context() -> dict[str, Any]:
    batches: list[list[int]] = []

    async def load(ids: list[int]) -> list[Author]:
        batches.append(list(ids))
        return [Author(id=strawberry.ID(str(i)), name=AUTHORS[i]) for i in ids]

    return {"authors": DataLoader(load_fn=load), "batches": batches, "log": []}


async def _both(query: str, variables: dict[str, Any] | None = None,
                name: str | None = None) -> tuple[Any, Any, dict, dict]:
    """(graphql-core's result, the compiled result, their contexts)."""
    ref_context, compiled_context = _context(), _context()
    reference = await SCHEMA.execute(query, variable_values=variables, context_value=ref_context,
                                     operation_name=name)
    compiled = compile_operation(SCHEMA._schema, parse(query), name)
    assert compiled is not None, "expected this document to compile"
    result = await compiled.execute(None, compiled_context, variables)
    return reference, result, ref_context, compiled_context


CASES = {
    "fields, aliases and arguments": (
        "{ books(first: 3) { id title renamed: title } e: echo(text: \"嗨\", times: 2) }", None),
    "variables and defaults": (
        "query Q($n: Int = 2, $t: String!) { books(first: $n) { id } echo(text: $t) }",
        {"t": "x"}),
    "async fields batch through one DataLoader": (
        "{ books(first: 4) { id author { id name } } }", None),
    "fragments, inline fragments and merged fields": (
        "query { books { ...B title ... on Book { id author { name } } } } "
        "fragment B on Book { id title author { id } }", None),
    "unions with __typename": (
        "{ search(text: \"x\") { __typename ... on Book { title } ... on Author { name } } }",
        None),
    "interfaces with fragments on the possible types": (
        "{ nodes { __typename id ... on Author { name } ... on Book { title } } }", None),
    "a nullable field's error is null beside its siblings": (
        "{ books { id maybe title } }", None),
    "a non-null field's error nulls the nearest nullable parent": (
        "{ book(id: \"2\") { id broken } echo(text: \"ok\") }", None),
    "a non-null error inside a non-null list nulls the whole list up to the root": (
        "{ strict { id broken } }", None),
    "async non-null errors": (
        "{ asyncBooks { id slowBroken } }", None),
    "a non-null object returning null, as a list item and as a field": (
        "{ holes { id } lost { id } echo(text: \"ok\") }", None),
    "a non-null field returning null": (
        "{ books(first: 1) { id nothing } }", None),
    "lists with null items": (
        "{ books(first: 1) { tags } }", None),
    "basic fields: null in a non-null one, an awaitable attribute, plain values": (
        "{ shelves { label size note plate { text } fixed { text } plates { text } "
        "author { id name } } }", None),
    "plain attributes: an enum, a list with nulls": (
        "{ books(first: 2) { id shelf pages title } }", None),
    "a non-null plain attribute holding null": (
        "{ books(first: 1) { id blank } echo(text: \"ok\") }", None),
    "a missing object": (
        "{ book(id: \"99\") { id } }", None),
    "bad variables answer with graphql-core's coercion errors": (
        "query Q($n: Int!) { books(first: $n) { id } }", {"n": "many"}),
    "a missing required variable": (
        "query Q($n: Int!) { books(first: $n) { id } }", {}),
    "String and ID variables (coerced without graphql-core when given as strings)": (
        "query Q($id: ID!, $t: String!) { book(id: $id) { id } echo(text: $t) }",
        {"id": "2", "t": "嗨"}),
    "an ID variable given a number": (
        "query Q($id: ID!) { book(id: $id) { id } }", {"id": 3}),
    "a String variable given a number": (
        "query Q($t: String!) { echo(text: $t) }", {"t": 3}),
    "a non-null ID variable given null": (
        "query Q($id: ID!) { book(id: $id) { id } }", {"id": None}),
    "introspection": (
        "{ __schema { queryType { name fields { name args { name type { name kind ofType "
        "{ name } } } } } } __type(name: \"Book\") { name fields { name } } }", None),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_the_compiled_executor_answers_as_graphql_core(case):
    query, variables = CASES[case]
    reference, compiled, ref_context, compiled_context = await _both(query, variables)
    assert compiled.data == reference.data
    assert _errors(compiled) == _errors(reference)
    assert compiled_context["batches"] == ref_context["batches"]


def test_basic_leaf_fields_are_read_as_attributes():
    """Fields without resolver returning a scalar, or an object type without is_type_of, are
    planned as attribute reads (no `info` built); fields with resolvers, or whose type checks
    is_type_of (it takes `info`), go through their resolvers."""
    compiled = compile_operation(SCHEMA._schema, parse(
        "{ books { id title author { id } broken } }"), None)
    assert compiled is not None
    book = compiled.plan(SCHEMA._schema.get_type("Book"), (compiled.operation.selection_set
                                                           .selections[0].selection_set,),
                         (0,))
    assert {f.key: f.attr for f in book} == {"id": "id", "title": "title", "author": None,
                                             "broken": None}
    shelves = compile_operation(SCHEMA._schema, parse(
        "{ shelves { label plate { text } plates { text } author { id } } }"), None)
    assert shelves is not None
    shelf = shelves.plan(SCHEMA._schema.get_type("Shelf"), (shelves.operation.selection_set
                                                            .selections[0].selection_set,),
                         (0,))
    assert {f.key: f.attr for f in shelf} == {"label": "label", "plate": "plate",
                                              "plates": "plates", "author": None}


async def test_loaders_batch_sibling_fields_once():
    _, compiled, _, context = await _both("{ books(first: 6) { author { name } } }")
    assert context["batches"] == [[2, 1]]  # one batch of the distinct keys, in first-seen order
    assert [b["author"]["name"] for b in compiled.data["books"]] == [AUTHORS[2], AUTHORS[1]] * 3


async def test_mutation_root_fields_run_in_order():
    query = ('mutation { a: slow(label: "1") b: fast(label: "2") c: slow(label: "3") '
             'd: fast(label: "4") }')
    reference, compiled, ref_context, context = await _both(query)
    assert compiled.data == reference.data == {"a": "1", "b": "2", "c": "3", "d": "4"}
    assert context["log"] == ref_context["log"] == ["1", "2", "3", "4"]


async def test_the_named_operation_is_the_one_run():
    query = "query A { echo(text: \"a\") } query B { echo(text: \"b\") }"
    reference, compiled, _, _ = await _both(query, name="B")
    assert compiled.data == reference.data == {"echo": "b"}


@pytest.mark.parametrize("query", [
    "query Q($s: Boolean!) { books { id title @skip(if: $s) } }",
    "{ books { ... on Book @include(if: false) { id } } }",
    "subscription { nothing }",
    "query A { echo(text: \"a\") } query B { echo(text: \"b\") }",  # no name given: ambiguous
])
def test_documents_it_does_not_plan_are_left_to_graphql_core(query):
    assert compile_operation(SCHEMA._schema, parse(query), None) is None


async def test_directives_still_work_through_the_platform_schema(gql, factory):
    """A directive sends the operation to graphql-core; its answer is still right."""
    tree = await factory.tree()
    query = ("query Roots($skip: Boolean!) { unions { id name @skip(if: $skip) "
             "level @include(if: $skip) } }")
    shown = await gql(query, {"skip": False})
    assert shown.data["unions"][0] == {"id": shown.data["unions"][0]["id"],
                                       "name": tree.province.name}
    hidden = await gql(query, {"skip": True})
    assert "name" not in hidden.data["unions"][0] and "level" in hidden.data["unions"][0]


def test_the_hot_lookup_compiles_against_the_platform_schema():
    schema = build_schema()
    query = ("query MemberByCard($cardNo: String) { member(cardNo: $cardNo) { id displayName "
             "name phone idNumber tier union { name } card { number status } } }")
    compiled = compile_operation(schema._schema, parse(query), "MemberByCard")
    assert compiled is not None
    assert [f.key for f in compiled.root] == ["member"]


@pytest.mark.parametrize("variables", [
    {"id": "2", "t": "x"}, {"id": "2"}, {"id": "2", "t": None}, {"id": "2", "t": ""},
    {"id": "2", "t": "x", "extra": 1}, {"id": 2, "t": "x"}, {"t": "x"}, {"id": None},
    {"id": "2", "t": 5}, {"id": "2", "t": ["x"]}, {"id": True}])
def test_string_variables_coerce_as_graphql_core_coerces_them(variables):
    """The compiled executor coerces String and ID variables given as strings itself
    (`_coerce_text`): the same coerced values and sources as graphql-core's; anything else is
    left to graphql-core (None)."""
    from graphql.execution.values import get_variable_values

    from unionhub.fastpath.compiled import _coerce_text

    query = "query Q($id: ID!, $t: String, $u: String) { book(id: $id) { id } echo(text: $t) }"
    compiled = compile_operation(SCHEMA._schema, parse(query), None)
    assert compiled is not None and compiled.text_variables is not None
    reference = get_variable_values(SCHEMA._schema, compiled.operation.variable_definitions,
                                    variables)
    mine = _coerce_text(compiled.text_variables, variables)
    if mine is None:
        assert isinstance(reference, list) or type(variables.get("id")) is not str or (
            type(variables.get("t", "")) not in (str, type(None)))
    else:
        assert not isinstance(reference, list)
        assert mine.coerced == reference.coerced
        assert _sources(mine.sources) == _sources(reference.sources)


def _sources(sources: dict[str, Any]) -> dict[str, Any]:
    # (type_from_ast wraps a non-null type anew each time: compared by what it prints)
    return {name: (s.signature.name, str(s.signature.type), s.signature.default,
                   s.signature.default_value, s.value) for name, s in sources.items()}


def test_operations_with_other_variables_are_coerced_by_graphql_core():
    for query in ("query Q($n: Int!) { books(first: $n) { id } }",
                  "query Q($t: String = \"d\") { echo(text: $t) }"):
        compiled = compile_operation(SCHEMA._schema, parse(query), None)
        assert compiled is not None and compiled.text_variables is None
