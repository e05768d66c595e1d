"""Every paged field is affordable at the page size it advertises: each connection (and each
field taking `first`) at `first: 100` with a screen's selection fits the default cost limit.

unionFundsLedger(first: 100) once cost 8,100 against 5,000 because its `first` multiplied the
whole ledger; a front-end could not fetch the page size the schema promises.
"""

from __future__ import annotations

from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_required_argument,
    parse,
)

from unionhub.schema.builder import build_schema
from unionhub.schema.context import Context
from unionhub.schema.limits import Limits, _CostWalker
from unionhub.schema.relay import MAX_PAGE

SCHEMA = build_schema()
GRAPHQL = SCHEMA._schema
LIMITS = Limits()  # the production limits


def _returns_list(field: GraphQLField) -> bool:
    kind = field.type.of_type if is_non_null_type(field.type) else field.type
    return is_list_type(kind)


def _is_connection(field: GraphQLField) -> bool:
    return get_named_type(field.type).name.endswith("Connection")


def _scalars(named: GraphQLNamedType) -> str:
    if isinstance(named, GraphQLUnionType):
        return "__typename " + " ".join(f"... on {t.name} {{ {_scalars(t)} }}"
                                        for t in named.types)
    fields = getattr(named, "fields", {})
    leaves = [n for n, f in fields.items() if is_leaf_type(get_named_type(f.type))
              and not any(is_required_argument(a) for a in f.args.values())]
    return " ".join(leaves) or "__typename"


def _item(named: GraphQLNamedType) -> str:
    """What a screen shows of one item: its scalars, its single objects' scalars and its
    short lists' scalars (an order's items), not the lists that page on their own."""
    if not isinstance(named, (GraphQLObjectType, GraphQLInterfaceType)):
        return _scalars(named)
    parts = [_scalars(named)]
    for name, field in named.fields.items():
        target = get_named_type(field.type)
        if (is_leaf_type(target) or field.deprecation_reason or _is_connection(field)
                or "first" in field.args
                or any(is_required_argument(a) for a in field.args.values())):
            continue
        parts.append(f"{name} {{ {_scalars(target)} }}")
    return " ".join(parts)


def _connection(named: GraphQLNamedType) -> str:
    edge = get_named_type(named.fields["edges"].type)  # type: ignore[attr-defined]
    node = get_named_type(edge.fields["node"].type)
    return (f"totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} "
            f"edges {{ cursor node {{ {_item(node)} }} }}")


def _selection(field: GraphQLField) -> str:
    named = get_named_type(field.type)
    if _is_connection(field):
        return _connection(named)
    if _returns_list(field):
        return _item(named)
    # An object that pages a connection of its own (unionFundsLedger's entries).
    inner = " ".join(f"{n} {{ {_connection(get_named_type(f.type))} }}"
                     for n, f in getattr(named, "fields", {}).items() if _is_connection(f))
    return f"{_item(named)} {inner}"


def _argument(field: GraphQLField, name: str) -> str:
    kind = get_named_type(field.args[name].type)
    return {"Int": "2026", "Date": '"2026-01-01"'}.get(kind.name, '"1"')


def paged_fields() -> list[tuple[str, str, GraphQLField]]:
    """Every connection field and every field taking `first`, of every type."""
    found = []
    for type_name, named in GRAPHQL.type_map.items():
        if type_name.startswith("__") or not isinstance(named, GraphQLObjectType):
            continue
        for name, field in named.fields.items():
            if _is_connection(field) or "first" in field.args:
                found.append((type_name, name, field))
    return found


def document(type_name: str, name: str, field: GraphQLField) -> str:
    arguments = [f"{a}: {_argument(field, a)}" for a, arg in field.args.items()
                 if is_required_argument(arg)]
    if "first" in field.args:
        arguments.append(f"first: {MAX_PAGE}")
    call = f"{name}({', '.join(arguments)})" if arguments else name
    return f"fragment Screen on {type_name} {{ {call} {{ {_selection(field)} }} }}"


def cost(text: str, type_name: str) -> int:
    fragment = parse(text).definitions[0]
    walker = _CostWalker(GRAPHQL, {}, {}, LIMITS)
    return walker.cost(fragment.selection_set, GRAPHQL.type_map[type_name])  # type: ignore[arg-type, attr-defined]


def test_every_paged_field_fits_the_limit_at_its_largest_page():
    fields = paged_fields()
    assert len(fields) > 30  # the walk found the schema's paged fields
    assert ("Query", "unionFundsLedger") in {(t, n) for t, n, _ in fields}
    over = {}
    for type_name, name, field in fields:
        text = document(type_name, name, field)
        parse(text)  # a well-formed screen
        spent = cost(text, type_name)
        # Paged fields under another type sit a few single objects deep: keep headroom.
        budget = LIMITS.max_cost if type_name == "Query" else LIMITS.max_cost - 100
        if spent > budget:
            over[f"{type_name}.{name}"] = spent
    assert over == {}


def test_the_screens_select_enough_to_matter():
    # The generated selections are real screens, not `__typename`: a member list of 100 costs
    # well over a thousand.
    text = document("Query", "members", GRAPHQL.query_type.fields["members"])  # type: ignore[union-attr]
    assert cost(text, "Query") > 1000


async def test_union_funds_ledger_first_pages_its_entries_not_the_ledger(factory):
    # Through the real operation check: the cost echoed in the response.
    field = GRAPHQL.query_type.fields["unionFundsLedger"]  # type: ignore[union-attr]
    selection = _selection(field)
    result = await SCHEMA.execute(
        "query Ledger($n: Int) { unionFundsLedger(unionId: 1, year: 2026, first: $n) { "
        + selection + " } }", variable_values={"n": MAX_PAGE}, context_value=Context())
    codes = [(e.extensions or {}).get("code") for e in result.errors or []]
    assert "COST_LIMIT" not in codes
    entries = cost(document("Query", "unionFundsLedger", field), "Query")
    assert result.extensions["cost"] == entries
    # `first` sizes the entries: 100 pages cost about 100 times one, not 100 ledgers' worth.
    one = await SCHEMA.execute(
        "query Ledger($n: Int) { unionFundsLedger(unionId: 1, year: 2026, first: $n) { "
        + selection + " } }", variable_values={"n": 1}, context_value=Context())
    assert result.extensions["cost"] < 100 * one.extensions["cost"]
    assert result.extensions["cost"] > 50 * one.extensions["cost"]
