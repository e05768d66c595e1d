"""String, ID and Boolean values of exactly `str` and `bool`, and the members of a strawberry
enum, are answered by the compiled executor without their completer (compiled_values.plain_answers): the
answers and errors must be graphql-core's for every other value those fields may get (a StrEnum
member for a String, an int for an ID, None for a non-null field, a wrong type, a string for an
enum), from a basic field and from a record read alike."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import strawberry
from graphql import parse

from unionhub.fastpath.compiled import compile_operation
from unionhub.schema.entities import reads_record


class Colour(StrEnum):
    RED = "red"


@strawberry.enum
class Size(StrEnum):
    SMALL = "s"
    LARGE = "l"


def _label(rec: dict[str, Any]) -> Any:
    return rec["label"]


@strawberry.type
class Item:
    id: strawberry.ID
    name: str
    flag: bool
    maybe: str | None
    size: Size
    rec: strawberry.Private[Any] = None

    @strawberry.field
    @reads_record(_label)
    def label(self) -> str:
        return _label(self.rec)


def _item(id: Any, name: Any, flag: Any, maybe: Any, label: Any, size: Any = Size.LARGE) -> Item:
    return Item(id=id, name=name, flag=flag, maybe=maybe, size=size, rec={"label": label})


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item | None]:
        return [
            _item("a", "名", True, None, "甲"),  # plain values throughout
            _item(7, Colour.RED, False, "x", Colour.RED),  # an int id; StrEnum members
            _item("c", None, True, None, "乙"),  # null for a non-null String
            _item("d", "d", "yes", None, "丙"),  # a str for a Boolean
            _item("e", "e", 1, 2.5, None),  # an int, a float: coerced; no label: an error
            _item("f", "f", True, None, 3),  # an int from a record read for a String
            _item("g", "g", True, None, "丁", Size.SMALL),
            _item("h", "h", True, None, "戊", "l"),  # the member's value: coerced to its name
            _item("i", "i", True, None, "己", Colour.RED),  # another enum's member
        ]


SCHEMA = strawberry.Schema(query=Query)


async def test_plain_leaves_answer_as_graphql_core_does():
    query = "{ items { id name flag maybe label size } }"
    reference = await SCHEMA.execute(query)
    compiled = compile_operation(SCHEMA._schema, parse(query), None)
    assert compiled is not None
    plan = {f.key: f.plain for f in compiled.plan(
        SCHEMA._schema.get_type("Item"),
        (parse(query).definitions[0].selection_set.selections[0].selection_set,), (0,))}
    assert plan == {"id": str, "name": str, "flag": bool, "maybe": str, "label": str,
                    "size": Size}
    result = await compiled.execute(None, {}, None)
    assert result.data == reference.data
    assert [(e.message, e.path) for e in result.errors or []] == \
        [(e.message, e.path) for e in reference.errors or []]
    # the nulls for non-null fields, a str for a Boolean, another enum's member
    assert [e.path for e in result.errors or []] == [
        ["items", 2, "name"], ["items", 3, "flag"], ["items", 4, "label"], ["items", 8, "size"]]
    assert result.data["items"][1] == {"id": "7", "name": "red", "flag": False, "maybe": "x",
                                       "label": "red", "size": "LARGE"}
    assert result.data["items"][6]["size"] == "SMALL"
