"""The leak walk (issue 16, point 6): in the demo data, every String a tier can reach through
the schema, at any depth, is searched for an unmasked phone number, ID number or legal name of
a member that tier may not see (self, and a cadre's scope, see them; operators and admins see
them masked).

The queries are built from the schema itself: every root query field, with each id-like
argument tried over the demo's member, union and other ids (and card numbers), selecting every
field of every object type reached down to `DEPTH` levels (unions and interfaces through
fragments). A new field, a new free-text column or a new nested entity is walked without
touching this test. A planted leak proves the walk can fail.

Orders' delivery addresses are personal data of their buyer (mall.addresses): the demo gets a
few orders, each addressed to its buyer (legal name, phone, a street address of their own),
one of them by a member who has since moved to a union outside the county cadre's scope (the
order stays with the union it was placed in, and so do its cadres' view of it).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLFloat,
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLInt,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLString,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
)
from graphql.pyutils import Undefined

from tests.factories import Factory
from unionhub.app import create_app
from unionhub.domains import DOMAINS
from unionhub.identity import seed as identity_seed
from unionhub.identity.access import Principal
from unionhub.identity.accounts import phone_index
from unionhub.identity.crypto import decrypt
from unionhub.identity.lookup import invalidate_member
from unionhub.identity.models import Member, MemberCard, Role, Union
from unionhub.mall.models import Order, Sku
from unionhub.mall.orders import Address, address_of
from unionhub.mall.placing import ItemSpec, place_order
from unionhub.schema.builder import build_schema
from unionhub.settings import Settings

DEPTH = 5  # object levels below a root field
PERIODS = ("2026-05", "2026-Q2", "2026")  # the scorecards' period forms: tried each
SCALARS = {"DateTime": '"2026-06-01T08:00:00+08:00"', "Date": '"2026-06-01"'}


@dataclass
class Person:
    id: int
    union_path: str
    values: list[str]  # phone, ID number, legal name (those the member has)


@dataclass
class Walk:
    strings: int = 0
    fields: set[str] = field(default_factory=set)
    leaks: list[str] = field(default_factory=list)


async def _people() -> list[Person]:
    rows = await Member.all().select_related("union").values(
        "id", "union__path", "phone_enc", "name_enc", "id_number_enc")
    people = []
    for r in rows:
        values = [decrypt(r["phone_enc"], "phone", owner=r["id"])]
        if r["id_number_enc"]:
            values.append(decrypt(r["id_number_enc"], "id_number", owner=r["id"]))
        if r["name_enc"]:
            values.append(decrypt(r["name_enc"], "name", owner=r["id"]))
        people.append(Person(r["id"], r["union__path"], values))
    by_id = {p.id: p for p in people}
    for order in await Order.all():  # the buyer's address (recipient, phone, street)
        a = address_of(order)
        by_id[order.member_id].values.extend(v for v in (a.recipient, a.phone, a.detail) if v)
    return people


async def _orders(tree: Any) -> list[int]:
    """Orders addressed to their buyers: 张三丰 (grassroots A/0), 赵敏 (B/0), and a synthetic
    member of A/0 who then moves to C/0 (Baoji: outside county A's scope)."""
    sku = await Sku.filter(stock__gt=10).order_by("id").first()
    assert sku is not None
    moving = await Member.filter(union_id=tree.grassroots["A"][0].id, role=Role.MEMBER,
                                 phone_bidx__not=phone_index("13900000002")).order_by("id").first()
    assert moving is not None
    buyers = [await Member.get(phone_bidx=phone_index("13900000002")),
              await Member.get(phone_bidx=phone_index("13900000006")), moving]
    ids = []
    for n, buyer in enumerate(buyers):
        address = Address(decrypt(buyer.name_enc, "name", owner=buyer.id),
                          decrypt(buyer.phone_enc, "phone", owner=buyer.id),
                          "610113", f"科技路 {buyer.id} 号 {n + 2} 单元 501 室")
        order = await place_order(Principal(member_id=buyer.id, role=Role.MEMBER),
                                  items=[ItemSpec(sku.id, 1)], address=address,
                                  idempotency_key=f"walk-{buyer.id}-{n}")
        ids.append(order.id)
    await Member.filter(id=moving.id).update(union_id=tree.grassroots["C"][0].id)
    await invalidate_member(moving.id)
    return ids


def _forbidden(people: list[Person], self_id: int | None, scope: str | None) -> list[str]:
    seen = {v for p in people
            if p.id == self_id or (scope and p.union_path.startswith(scope)) for v in p.values}
    return sorted({v for p in people for v in p.values} - seen)


def _literal(arg_type: Any, name: str, ids: list[int], cards: list[str]) -> list[str] | None:
    """Candidate literals for an argument; None when the walk cannot fill a required one."""
    t = arg_type.of_type if isinstance(arg_type, GraphQLNonNull) else arg_type
    if t is GraphQLID:
        return [f'"{i}"' for i in ids]
    if t is GraphQLString and name.lower().startswith("card"):
        return [f'"{c}"' for c in cards]
    if isinstance(t, GraphQLEnumType):
        return [next(iter(t.values))]
    if t is GraphQLInt:
        return ["5"]
    if t is GraphQLBoolean:
        return ["true"]
    if t is GraphQLFloat:
        lowered = name.lower()
        return ["34.26" if "lat" in lowered else "108.94" if "lon" in lowered else "5"]
    if t is GraphQLString and name == "period":
        return [f'"{p}"' for p in PERIODS]
    if getattr(t, "name", None) in SCALARS:
        return [SCALARS[t.name]]
    return None  # free strings, input objects: not guessed


def _required(arg: Any) -> bool:
    return isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined


def _selection(gql_type: Any, depth: int, skip: frozenset[str],
               path: frozenset[str] = frozenset()) -> str:
    """Every field of the type, recursively; a type already expanded on the way here is not
    expanded again (Union.parent.parent..., Member.union.members...): its strings were read
    one level up, and every type is still reached by the shortest way to it."""
    t = get_named_type(gql_type)
    if is_leaf_type(t):
        return ""
    if depth == 0 or t.name in path:
        return "{ __typename }"
    path = path | {t.name}
    if isinstance(t, GraphQLUnionType | GraphQLInterfaceType):
        possible = t.types if isinstance(t, GraphQLUnionType) else _SCHEMA.get_possible_types(t)
        return "{ __typename " + " ".join(
            f"... on {p.name} {_selection(p, depth, skip, path)}" for p in possible) + " }"
    assert isinstance(t, GraphQLObjectType)
    parts = ["__typename"]
    for name, f in t.fields.items():
        if name.startswith("_") or name in skip:
            continue
        if any(_required(a) for a in f.args.values()):
            continue  # needs an argument the walk would guess: root fields cover those
        # A few of each list: every field is read, without the tree multiplying the rows.
        first = "(first: 3)" if "first" in f.args else ""
        parts.append(f"{name}{first} {_selection(f.type, depth - 1, skip, path)}")
    return "{ " + " ".join(parts) + " }"


def _root_operations(root: str, ids: list[int], cards: list[str],
                     skip: frozenset[str]) -> list[str]:
    """The operations walking one root field: one per argument choice, the candidates as
    aliases; fields named in `skip` (denied to this tier) are left out below the root."""
    operations: list[str] = []
    for name, f in _SCHEMA.query_type.fields.items():
        if name != root:
            continue
        required = {a: t for a, t in f.args.items() if _required(t)}
        optional = {a: t for a, t in f.args.items() if a not in required}
        if any(isinstance(get_named_type(t.type), GraphQLInputObjectType)
               for t in required.values()):
            continue
        fills = {a: _literal(t.type, a, ids, cards) for a, t in required.items()}
        if any(v is None for v in fills.values()):
            continue
        # Each id-like optional argument on its own (member(id:) or member(cardNo:)).
        choices: list[dict[str, list[str]]] = [fills]
        for a, t in optional.items():
            values = _literal(t.type, a, ids, cards)
            if values and (get_named_type(t.type) is GraphQLID or a.lower().startswith("card")):
                choices.append({**fills, a: values})
        selection = _selection(f.type, DEPTH, skip)
        fragment = ""
        if selection:  # once per operation, whatever the number of aliases
            fragment = f" fragment Walked on {get_named_type(f.type).name} {selection}"
            selection = "{ ...Walked }"
        for choice in choices:
            names = list(choice)
            combos = list(itertools.product(*(choice[a] for a in names))) or [()]
            aliased = [
                f"a{i}: {name}" + (f"({', '.join(f'{a}: {v}' for a, v in zip(names, combo, strict=True))})"
                                   if names else "") + f" {selection}"
                for i, combo in enumerate(combos[:40])
            ]
            operations.append("query Walk { " + " ".join(aliased) + " }" + fragment)
    return operations


def _scan(value: Any, path: str, forbidden: list[str], walk: Walk) -> None:
    if isinstance(value, dict):
        typename = value.get("__typename", "?")
        for key, item in value.items():
            _scan(item, f"{typename}.{key}", forbidden, walk)
    elif isinstance(value, list):
        for item in value:
            _scan(item, path, forbidden, walk)
    elif isinstance(value, str):
        walk.strings += 1
        walk.fields.add(path)
        for secret in forbidden:
            # Names of two characters only as the whole string (they occur inside words).
            if (secret == value) or (len(secret) >= 3 and secret in value):
                walk.leaks.append(f"{path}: {value!r} holds another member's personal data")


_DENIED = ("FORBIDDEN", "UNAUTHENTICATED")


async def _walk(http: httpx.AsyncClient, token: str | None, forbidden: list[str],
                ids: list[int], cards: list[str]) -> Walk:
    """Walk every root field. A field below the root that the tier may not read fails with
    FORBIDDEN and, when it is non-null, takes its parents' data with it: such fields are left
    out and the root walked again, until nothing below the root is denied."""
    walk = Walk()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for root in (n for n in _SCHEMA.query_type.fields if not n.startswith("_")):
        skip: frozenset[str] = frozenset()
        for _ in range(8):
            denied: set[str] = set()
            for operation in _root_operations(root, ids, cards, skip):
                response = await http.post("/graphql", json={"query": operation},
                                           headers=headers)
                body = response.json()
                assert response.status_code == 200, body
                for error in body.get("errors") or []:  # messages reach clients too
                    _scan(error.get("message", ""), "error.message", forbidden, walk)
                    path = error.get("path") or []
                    if (error.get("extensions", {}).get("code") in _DENIED and len(path) > 1
                            and isinstance(path[-1], str)):
                        denied.add(path[-1])
                _scan(body.get("data") or {}, "Query", forbidden, walk)
            if denied <= skip:
                break
            skip = skip | denied
    return walk


_SCHEMA = build_schema()._schema


@pytest.fixture
async def demo(factory: Factory) -> dict[str, Any]:
    tree = await identity_seed.seed_demo(members=30)
    import importlib

    for domain in DOMAINS[1:]:
        module = importlib.import_module(f"unionhub.{domain}.seed")
        if domain == "services":
            await module.seed_demo(tree, requests=40)
        else:
            await module.seed_demo(tree)
    factory._tree = tree
    admin = await factory.admin()
    accounts = {}
    for phone in ("13900000001", "13900000002", "13900000003", "13900000004", "13900000005",
                  "13900000006"):
        accounts[phone] = await Member.get(phone_bidx=phone_index(phone)).select_related(
            "cadre_org")
    union_ids = await Union.all().order_by("id").limit(12).values_list("id", flat=True)
    member_ids = sorted({m.id for m in accounts.values()} | {admin.member.id}
                        | set(await Member.all().order_by("-id").limit(4)
                              .values_list("id", flat=True)))
    order_ids = await _orders(tree)
    ids = sorted(set(union_ids) | set(member_ids) | set(order_ids) | set(range(1, 9)))
    cards = list(await MemberCard.all().order_by("id").limit(8).values_list("number", flat=True))
    return {"tree": tree, "admin": admin, "accounts": accounts, "ids": ids, "cards": cards}


@pytest.fixture
async def walker_http():
    # The operation limits are the edge's business (tests/test_limits.py): raised here so one
    # request walks a whole root field.
    settings = Settings(max_query_cost=10**9, max_query_depth=50, max_query_aliases=100,
                        max_root_fields=100, max_query_tokens=10**6,
                        max_query_selections=10**7)
    app = create_app(settings=settings, manage_connections=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://test") as client:
        yield client


def _tiers(demo: dict[str, Any]) -> dict[str, tuple[Member | None, str | None]]:
    a = demo["accounts"]
    return {
        "GUEST": (None, None),
        "MEMBER": (a["13900000001"], None),
        "VERIFIED": (a["13900000002"], None),
        "CADRE (county)": (a["13900000003"], a["13900000003"].cadre_org.path),
        "CADRE (province)": (a["13900000004"], a["13900000004"].cadre_org.path),
        "OPERATOR": (a["13900000005"], None),
        "ADMIN": (demo["admin"].member, None),
    }


async def test_no_tier_reaches_personal_data_it_may_not_see(walker_http, demo):
    people = await _people()
    report = {}
    for tier, (member, scope) in _tiers(demo).items():
        token = Factory.token_for(member, member.cadre_org if scope else None) if member else None
        walk = await _walk(walker_http, token, _forbidden(people, member and member.id, scope),
                           demo["ids"], demo["cards"])
        report[tier] = walk
        assert not walk.leaks, f"{tier}: " + json.dumps(walk.leaks[:10], ensure_ascii=False)
    # The walk reached what it must have: it cannot pass by walking nothing.
    for tier in ("MEMBER", "VERIFIED", "CADRE (county)", "ADMIN"):
        reached = report[tier].fields
        assert {"Member.displayName", "Member.phone"} <= reached, (tier, sorted(reached))
        assert report[tier].strings > 200, (tier, report[tier].strings)
    # Orders' addresses were read where a tier may see orders of others: masked or in scope.
    for tier in ("CADRE (county)", "CADRE (province)", "ADMIN"):
        assert {"Address.recipient", "Address.phone", "Address.detail"} <= report[tier].fields, (
            tier, sorted(report[tier].fields))
    assert {"Member.name", "Member.idNumber"} <= report["CADRE (province)"].fields
    assert len(report["CADRE (province)"].fields) > 40, sorted(report["CADRE (province)"].fields)


async def test_the_walk_finds_a_planted_leak(walker_http, demo):
    # A display name holding another member's phone (what the old seeds did, for themselves).
    a = demo["accounts"]
    victim_phone = "13900000006"
    await Member.filter(id=a["13900000002"].id).update(display_name=f"会员{victim_phone}")
    await invalidate_member(a["13900000002"].id)
    people = await _people()
    member = a["13900000002"]
    walk = await _walk(walker_http, Factory.token_for(member),
                       _forbidden(people, member.id, None), demo["ids"], demo["cards"])
    assert any(victim_phone in leak and "displayName" in leak for leak in walk.leaks), walk.leaks

