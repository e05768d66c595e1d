"""The federated entities shared by every subgraph: Member and Union.

Each domain contributes a mixin of fields (`SchemaPart.member_fields`, `union_fields`); the
builder assembles the entity classes from the active domains' mixins and stores them here, so
other modules refer to them lazily (`MemberRef`, `UnionRef`). Every contributed field resolves
from the key alone (through DataLoaders), so the same code serves the platform and a subgraph.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry

from unionhub.errors import NotFound
from unionhub.identity.orgs import cached_union

if TYPE_CHECKING:
    from unionhub.schema.builder import Member, Union

MemberRef = Annotated["Member", strawberry.lazy("unionhub.schema.entities")]
UnionRef = Annotated["Union", strawberry.lazy("unionhub.schema.entities")]
T = TypeVar("T")
DESCRIPTIONS = {
    "Member": "A person with an account: a member once real-name verified and in a union. "
              "Personal fields (name, phone, idNumber, card) are masked or null unless the "
              "caller is the member or a cadre whose scope holds the member's union.",
    "Union": "A union organisation in the tree NATIONAL > PROVINCE > CITY > COUNTY > "
             "GRASSROOTS; members belong to grassroots unions. Public, except the fields "
             "that say otherwise.",
}


@strawberry.type
class EntityBase:
    id: strawberry.ID = strawberry.field(description="The record's id (decimal digits); any "
                                                    "other id finds nothing.")
    # The loaded row or cached record, when the creator had it; else fields load by key.
    rec: strawberry.Private[Any] = None


_MAX_KEY = 2**63 - 1  # BIGINT


def parse_key(value: Any) -> int | None:
    """An entity id from the API as a database key; None for anything no row can have (so a
    malformed or overlong id finds nothing instead of failing in the database driver)."""
    text = str(value)
    if not (text.isascii() and text.isdigit()):
        return None
    key = int(text)
    return key if 0 < key <= _MAX_KEY else None


def _origin(info: strawberry.Info, name: str) -> type:
    # The class of the schema executing now: a process may hold more than one schema.
    return info.schema.get_type_by_name(name).origin


def member_entity(info: strawberry.Info, member_id: int | str, rec: Any = None) -> Any:
    return _origin(info, "Member")(id=strawberry.ID(str(member_id)), rec=rec)


def member_entities(info: strawberry.Info, records: list[Any]) -> list[Any]:
    """`member_entity` for each loaded record of a page (the class looked up once)."""
    cls = _origin(info, "Member")
    return [cls(id=strawberry.ID(str(r.id)), rec=r) for r in records]


def union_entity(info: strawberry.Info, union_id: int | str, rec: Any = None) -> Any:
    return _union(_origin(info, "Union"), union_id, rec)


def union_ref(entity: Any, union_id: int, refs: dict[int, Any]) -> Any:
    """`union_entity` from another entity of the same schema (its class's `peers`), without
    `info`: for `reads_entity` reads. `refs`: the request's union entities by id (the
    context's), so that a page of members of a few unions makes a few."""
    ref = refs.get(union_id)
    if ref is None or type(ref) is not entity.peers["Union"]:
        ref = refs[union_id] = _union(entity.peers["Union"], union_id, None)
    return ref


def _union(cls: type, union_id: int | str, rec: Any) -> Any:
    if rec is None and isinstance(union_id, int):
        # A union in this process's cache answers its fields at once: no load is scheduled.
        rec = cached_union(union_id)
    return cls(id=strawberry.ID(str(union_id)), rec=rec)


F = TypeVar("F", bound=Callable[..., Any])


def reads_record(read: Callable[[Any], Any]) -> Callable[[F], F]:
    """Marks an entity field's resolver whose answer is `read(entity.rec)` whenever the entity
    holds its record (the resolver itself loads it otherwise: `with_member`/`with_union`).
    The compiled executor then reads a loaded record's value itself, without the resolver call
    and its `info` (fastpath/compiled.py, `_record_reader`). Only for leaf fields of GUEST tier:
    a guarded resolver is a wrapper, which the executor does not take for the marked function."""
    def mark(fn: F) -> F:
        fn.record_read = (read, fn)  # type: ignore[attr-defined]
        return fn
    return mark


def reads_entity(read: Callable[[Any, Any], Any]) -> Callable[[F], F]:
    """Marks an entity field's resolver whose answer is `read(entity, context)` whenever the
    entity holds its record (the resolver loads it otherwise), for fields `reads_record` cannot
    mark: an answer that is an object (a member's union, card), or one that depends on the
    caller (`context.principal`). The compiled executor calls `read` itself, without the
    resolver and its `info`, and completes the answer as the resolver's. A tier guard
    (`gql_field(tier=...)`) marks its wrapper with `read` behind the same check
    (permissions.py), so the check is never skipped."""
    def mark(fn: F) -> F:
        fn.entity_read = (read, fn)  # type: ignore[attr-defined]
        return fn
    return mark


def with_member(entity: Any, info: strawberry.Info, read: Callable[[Any], T]) -> T | Awaitable[T]:
    """Apply `read` to the member's record: at once when loaded, else after a batched load.
    Returning a plain value keeps the field on graphql-core's fast synchronous path."""
    if entity.rec is not None:
        return read(entity.rec)
    return _load_then(entity, info.context.members, read, "member")


def with_union(entity: Any, info: strawberry.Info, read: Callable[[Any], T]) -> T | Awaitable[T]:
    if entity.rec is not None:
        return read(entity.rec)
    return _load_then(entity, info.context.unions, read, "union")


async def _load_then(entity: Any, loader: Any, read: Callable[[Any], T], kind: str) -> T:
    key = parse_key(entity.id)
    rec = await loader.load(key) if key is not None else None
    if rec is None:
        raise NotFound(f"{kind} not found")
    entity.rec = rec
    value = read(rec)
    return await value if inspect.isawaitable(value) else value
