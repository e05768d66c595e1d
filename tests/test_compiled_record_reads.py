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
from unionhub.schema.entities import reads_entity, reads_record
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
    compiled = compile_operation(schema, parse(
        "{ me { id name phone idNumber card { number } union { name } } }"), None)
    assert compiled is not None
    selection = compiled.operation.selection_set.selections[0].selection_set
    entity_reads = {f.key for f in compiled.plan(schema.get_type("Member"), (selection,), (0,))
                    if f.entity_read is not None}
    # the union and the card (behind its MEMBER guard); never the audited personal fields
    assert entity_reads == {"union", "card"}
    union = _plan(schema, '{ union(id: "1") { name level regionCode regionName isHoldingPool } }',
                  "Union")
    assert {k for k, v in union.items() if v is not None} == {"name", "level", "regionCode"}


# --- reads_entity: object answers and the caller's context, behind the tier guard ----------

@strawberry.type
class Badge:
    text: str


def _badge(entity: Any, context: Any) -> Badge:
    CALLS.append("read badge")
    return Badge(text=f"{entity.rec['label']} for {context.principal.member_id}")


@strawberry.type
class Holder:
    id: strawberry.ID
    rec: strawberry.Private[Any] = None

    @strawberry.field
    @reads_entity(_badge)
    def badge(self, info: strawberry.Info) -> Badge:
        CALLS.append("badge")
        return Badge(text=f"{self.rec['label']} for {info.context.principal.member_id}"
                     if self.rec is not None else "loaded")

    @gql_field(tier=Tier.MEMBER)
    @reads_entity(_badge)
    def private_badge(self, info: strawberry.Info) -> Badge | None:
        CALLS.append("private badge")
        return _badge(self, info.context) if self.rec is not None else None


@strawberry.type
class HolderQuery:
    @strawberry.field
    def holders(self) -> list[Holder]:
        return [Holder(id=strawberry.ID("1"), rec={"label": "甲"}),
                Holder(id=strawberry.ID("2"))]  # no record: the resolvers answer


HOLDERS = strawberry.Schema(query=HolderQuery)


async def test_entity_reads_answer_as_their_resolvers_and_keep_the_tier_check():
    from unionhub.identity.access import GUEST, Principal
    from unionhub.identity.models import Role
    from unionhub.schema.context import Context

    query = "{ holders { id badge { text } privateBadge { text } } }"
    for principal in (Principal(member_id=7, role=Role.MEMBER), GUEST):
        context = Context(principal=principal)
        CALLS.clear()
        reference = await HOLDERS.execute(query, context_value=context)
        CALLS.clear()
        compiled = compile_operation(HOLDERS._schema, parse(query), None)
        assert compiled is not None
        result = await compiled.execute(None, context, None)
        assert result.data == reference.data
        assert [(e.message, e.path) for e in result.errors or []] == \
            [(e.message, e.path) for e in reference.errors or []]
        if principal is GUEST:  # the guard's error, at the same path, from both
            assert [e.path for e in result.errors or []] == [
                ["holders", 0, "privateBadge"], ["holders", 1, "privateBadge"]]
            # the first holder's open badge read from its record, its private one refused
            # before any read; the second holder's open badge by its resolver, the private
            # one refused by the guard before the resolver's body
            assert CALLS == ["read badge", "badge"]
        else:
            assert result.errors is None
            assert result.data["holders"][0] == {"id": "1", "badge": {"text": "甲 for 7"},
                                                 "privateBadge": {"text": "甲 for 7"}}
            # the first holder's record was read, not its resolvers; the second's resolvers ran
            assert CALLS == ["read badge", "read badge", "badge", "private badge"]


def test_the_entity_mark_of_a_guarded_resolver_is_its_guards():
    plan = {f.key: f.entity_read for f in compile_operation(
        HOLDERS._schema, parse("{ holders { badge { text } privateBadge { text } } }"),
        None).plan(HOLDERS._schema.get_type("Holder"), (parse(
            "{ holders { badge { text } privateBadge { text } } }").definitions[0]
            .selection_set.selections[0].selection_set,), (0,))}
    assert plan["badge"] is _badge
    assert plan["privateBadge"] is not None and plan["privateBadge"] is not _badge
