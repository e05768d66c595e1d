"""Entity fields marked `reads_record` (schema/entities.py) are answered by the compiled
executor from the entity's loaded record, without their resolver: the same data and errors as
graphql-core calling the resolvers; the resolver still runs when no record is loaded; and the
mark is never taken for a guarded (wrapped) resolver, so no tier check is skipped."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import parse

from unionhub.fastpath.compiled import compile_operation
from unionhub.identity.access import Tier
from unionhub.schema.builder import build_schema
from unionhub.schema.entities import reads_record
from unionhub.schema.permissions import gql_field

CALLS: list[str] = []


def _label(rec: dict[str, Any]) -> str:
    return rec["label"]


def _size(rec: dict[str, Any]) -> int:
    return rec["size"]  # a record without it fails as the resolver would


@strawberry.type
class Thing:
    id: strawberry.ID
    rec: strawberry.Private[Any] = None

    @strawberry.field
    @reads_record(_label)
    def label(self) -> str:
        CALLS.append("label")
        return _label(self.rec) if self.rec is not None else f"loaded {self.id}"

    @strawberry.field
    @reads_record(_size)
    def size(self) -> int | None:
        CALLS.append("size")
        return _size(self.rec) if self.rec is not None else None

    @gql_field(tier=Tier.MEMBER)
    @reads_record(_label)
    def guarded(self, info: strawberry.Info) -> str:
        CALLS.append("guarded")
        return _label(self.rec)


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing]:
        return [Thing(id=strawberry.ID("1"), rec={"label": "甲", "size": 3}),
                Thing(id=strawberry.ID("2"), rec={"label": "乙"}),  # no size: an error
                Thing(id=strawberry.ID("3"))]  # no record: the resolver answers


SCHEMA = strawberry.Schema(query=Query)


def _plan(schema: Any, query: str, type_name: str) -> dict[str, Any]:
    compiled = compile_operation(schema, parse(query), None)
    assert compiled is not None
    selection = compiled.operation.selection_set.selections[0].selection_set
    return {f.key: f.record_read for f in compiled.plan(schema.get_type(type_name),
                                                        (selection,), (0,))}


async def test_marked_fields_answer_as_their_resolvers():
    query = "{ things { id label size } }"
    CALLS.clear()
    reference = await SCHEMA.execute(query)
    assert CALLS.count("label") == 3 and CALLS.count("size") == 3
    CALLS.clear()
    compiled = compile_operation(SCHEMA._schema, parse(query), None)
    assert compiled is not None
    result = await compiled.execute(None, {}, None)
    assert result.data == reference.data
    assert [(e.message, e.path) for e in result.errors or []] == \
        [(e.message, e.path) for e in reference.errors or []] == [("'size'", ["things", 1, "size"])]
    # Only the entity without a record went through the resolvers.
    assert CALLS == ["label", "size"]


def test_the_mark_is_taken_only_for_unwrapped_resolvers():
    plan = _plan(SCHEMA._schema, "{ things { id label size guarded } }", "Thing")
    assert plan["label"] is _label and plan["size"] is _size
    assert plan["id"] is None
    assert plan["guarded"] is None  # the tier guard wraps it: its check must run


def test_the_platform_members_and_unions():
    schema = build_schema()._schema
    member = _plan(schema, "{ me { id displayName tier joinedAt name phone idNumber card "
                           "{ number } union { name } } }", "Member")
    assert {k for k, v in member.items() if v is not None} == {"displayName", "tier",
                                                               "joinedAt"}
    assert member["union"] is None  # an object field: its resolver makes the entity
    union = _plan(schema, '{ union(id: "1") { name level regionCode regionName isHoldingPool } }',
                  "Union")
    assert {k for k, v in union.items() if v is not None} == {"name", "level", "regionCode"}
