"""String, ID and Boolean values of exactly `str` and `bool` pass through the compiled executor
without their completer (compiled._PLAIN): the answers and errors must be graphql-core's for
every other value those fields may get (a StrEnum member, an int for an ID, None for a
non-null field, a wrong type), from a basic field and from a record read alike."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import strawberry
from graphql import parse

from unionhub.fastpath.compiled import compile_operation
from unionhub.schema.entities import reads_record


class Colour(StrEnum):
    RED = "red"


def _label(rec: dict[str, Any]) -> Any:
    return rec["label"]


@strawberry.type
class Item:
    id: strawberry.ID
    name: str
    flag: bool
    maybe: str | None
    rec: strawberry.Private[Any] = None

    @strawberry.field
    @reads_record(_label)
    def label(self) -> str:
        return _label(self.rec)


def _item(id: Any, name: Any, flag: Any, maybe: Any, label: Any) -> Item:
    return Item(id=id, name=name, flag=flag, maybe=maybe, rec={"label": label})


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item | None]:
        return [
            _item("a", "名", True, None, "甲"),  # plain values throughout
            _item(7, Colour.RED, False, "x", Colour.RED),  # an int id; StrEnum members
            _item("c", None, True, None, "乙"),  # null for a non-null String
            _item("d", "d", "yes", None, "丙"),  # a str for a Boolean
            _item("e", "e", 1, 2.5, None),  # an int for a Boolean; a float for a String
            _item("f", "f", True, None, 3),  # an int from a record read for a String
        ]


SCHEMA = strawberry.Schema(query=Query)


async def test_plain_leaves_answer_as_graphql_core_does():
    query = "{ items { id name flag maybe label } }"
    reference = await SCHEMA.execute(query)
    compiled = compile_operation(SCHEMA._schema, parse(query), None)
    assert compiled is not None
    plan = {f.key: f.plain for f in compiled.plan(
        SCHEMA._schema.get_type("Item"),
        (parse(query).definitions[0].selection_set.selections[0].selection_set,), (0,))}
    assert plan == {"id": str, "name": str, "flag": bool, "maybe": str, "label": str}
    result = await compiled.execute(None, {}, None)
    assert result.data == reference.data
    assert [(e.message, e.path) for e in result.errors or []] == \
        [(e.message, e.path) for e in reference.errors or []]
    assert len(result.errors or []) >= 3  # the null, the str and the int for a Boolean...
    assert result.data["items"][1] == {"id": "7", "name": "red", "flag": False, "maybe": "x",
                                       "label": "red"}
