"""Bad text is never an internal error, in any domain. Every mutation of the composed schema
whose input holds a String or ID (found by introspection, so a new one is walked or fails here
until tests/bad_text_cases.py lists it) gets, in each such field in turn, a NUL (which no
PostgreSQL text holds), an ESC sequence, a bidirectional override (U+202E) and a value longer
than any column, from a caller allowed to call it. None may answer INTERNAL_SERVER_ERROR; typed
text answers a specific code on its field; opaque tokens, codes and IDs need only be refused;
and nothing is written."""

from __future__ import annotations

import copy
import hashlib
import re
from typing import Any

import pytest
from graphql import (
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLString,
    get_named_type,
)

from tests.bad_text_cases import _SCHEMA, CASES, FORM_FIELDS, OPAQUE, OPAQUE_IN, UNCOVERED, WRITES, Ctx, input_type
from tests.factories import Factory
from unionhub import db
from unionhub.activities import seed as activities_seed
from unionhub.content import seed as content_seed
from unionhub.identity import seed as identity_seed
from unionhub.identity.accounts import phone_index
from unionhub.identity.models import Member
from unionhub.mall import seed as mall_seed
from unionhub.services import seed as services_seed

LONG = "长" * 20_001  # past every column and every text limit of the schema
BAD = {"NUL": "a\x00b", "ESC": "a\x1b[2Jb", "RLO": "a\u202eb", "LONG": LONG}
# Kept by design, whatever the input: counters of attempts (lockouts, SMS windows) and the
# audit of refusals a person must see, the decoy rows a refused SMS code writes (sms_codes.py)
# are no data a mutation "wrote".
UNTRACKED = {"identity_sms_send_windows", "identity_sms_check_decoys"}


def text_paths(t: Any, prefix: str = "") -> list[tuple[str, bool]]:
    """(path, is ID) of every String or ID leaf below an input type; lists get index 0."""
    out: list[tuple[str, bool]] = []
    named = get_named_type(t)
    if not isinstance(named, GraphQLInputObjectType):
        return out
    for name, f in named.fields.items():
        inner = f.type.of_type if isinstance(f.type, GraphQLNonNull) else f.type
        path = f"{prefix}{name}" + ("[0]" if isinstance(inner, GraphQLList) else "")
        leaf = get_named_type(f.type)
        if leaf in (GraphQLString, GraphQLID):
            out.append((path, leaf is GraphQLID))
        else:
            out.extend(text_paths(leaf, path + "."))
    return out


def walked() -> dict[str, list[tuple[str, bool]]]:
    found = {}
    for name, f in _SCHEMA.mutation_type.fields.items():
        paths = [p for a in f.args.values() for p in text_paths(a.type)]
        if paths:
            found[name] = paths
    return found


def _put(value: dict[str, Any], path: str, bad: str) -> dict[str, Any]:
    spoiled = copy.deepcopy(value)
    node: Any = spoiled
    parts = re.findall(r"(\w+)(\[0\])?", path)
    for i, (key, listed) in enumerate(parts):
        last = i == len(parts) - 1
        if last and not listed:
            node[key] = bad
        elif last:
            assert node.get(key), f"the base input has no {key}[0] to spoil"
            node[key][0] = bad
        else:
            node = node[key][0] if listed else node.setdefault(key, {})
    return spoiled


def _plain(path: str) -> str:
    return re.sub(r"\[\d+\]", "", path)


def _on(field: str | None, path: str, mutation: str) -> bool:
    """The refusal names the field, or the input holding it (openingHours for its days), or,
    for a service request's form, the form field by its name."""
    if not field:
        return False
    told, spoiled = _plain(field), _plain(path)
    return (spoiled == told or spoiled.startswith(told + ".")
            or told.split(".")[-1] == spoiled.split(".")[-1]
            or (mutation, spoiled) in FORM_FIELDS)


async def _fingerprint() -> dict[str, str]:
    from tortoise import Tortoise

    prints = {}
    for app in Tortoise.apps.values():
        for model in app.values():
            table = model._meta.db_table
            if table in UNTRACKED:
                continue
            rows = await db.conn().execute_query_dict(f'SELECT * FROM "{table}"')
            text = "\n".join(sorted(repr(sorted(r.items())) for r in rows))
            prints[table] = hashlib.sha256(text.encode()).hexdigest()
    return prints


@pytest.fixture
async def ctx(gql: Any, factory: Factory) -> Ctx:
    tree = await identity_seed.seed_demo(members=6)
    await mall_seed.seed_demo(tree)
    await services_seed.seed_demo(tree, requests=4)
    await activities_seed.seed_demo(tree)
    await content_seed.seed_demo(tree)
    factory._tree = tree
    members = {tier: await Member.get(phone_bidx=phone_index(phone)).select_related("cadre_org")
               for tier, phone in (("MEMBER", "13900000001"), ("VERIFIED", "13900000002"),
                                   ("COUNTY", "13900000003"), ("PROVINCE", "13900000004"),
                                   ("OPERATOR", "13900000005"), ("ADMIN", "13900000007"))}
    tokens = {tier: Factory.token_for(m, m.cadre_org) for tier, m in members.items()}
    second_province = await factory.cadre(tree.province)
    tokens["PROVINCE2"] = second_province.token
    second_admin = await factory.admin()
    tokens["ADMIN2"] = second_admin.token
    return Ctx(gql=gql, tree=tree, tokens=tokens, members=members, factory=factory)


def test_every_mutation_with_text_is_walked_or_excused():
    missing = set(walked()) - set(CASES) - set(UNCOVERED)
    assert not missing, f"list these in tests/bad_text_cases.py: {sorted(missing)}"
    assert not set(CASES) & set(UNCOVERED)
    assert not (set(CASES) | set(UNCOVERED)) - set(walked())  # no stale names


def _refusals(result: Any, mutation: str) -> list[tuple[str, str | None]]:
    told = [(e.get("extensions", {}).get("code"), e.get("extensions", {}).get("field"))
            for e in result.errors]
    payload = result.data.get(mutation) or {}
    told += [(e["code"], e["field"]) for e in payload.get("errors") or []]
    return told


async def test_bad_text_gets_a_code_on_its_field_and_writes_nothing(ctx):
    problems: list[str] = []
    for mutation, paths in walked().items():
        if mutation in UNCOVERED:
            continue
        tier, build = CASES[mutation]
        try:
            base = await build(ctx)
        except AssertionError as setup:
            problems.append(f"{mutation}: setup failed: {str(setup)[:300]}")
            continue
        query = (f"mutation M($input: {input_type(mutation)}!) {{ {mutation}(input: $input) "
                 "{ errors { code field } } }")
        before = await _fingerprint()
        for path, is_id in paths:
            opaque = is_id or _plain(path) in OPAQUE or (mutation, _plain(path)) in OPAQUE_IN
            for label, bad in BAD.items():
                spoiled = _put(base, path, bad)
                if "idempotencyKey" in spoiled and path != "idempotencyKey":
                    spoiled["idempotencyKey"] = f"walk-{mutation}-{path}-{label}"
                result = await ctx.gql(query, {"input": spoiled}, token=ctx.tokens.get(tier))
                told = _refusals(result, mutation)
                where = f"{mutation}.{path} {label}: {told}"
                if result.status >= 500 or any(c == "INTERNAL_SERVER_ERROR" for c, _ in told):
                    problems.append(f"{where}: internal error")
                elif not told and opaque:
                    before = await _fingerprint()  # an opaque value may be taken as any other
                elif not told:
                    problems.append(f"{where}: taken")
                elif not opaque and not any(_on(f, path, mutation) for _, f in told):
                    problems.append(f"{where}: not on the field")
        after = await _fingerprint()
        changed = sorted(t for t in before if before[t] != after.get(t)
                         and t not in WRITES.get(mutation, ()))
        if changed:
            problems.append(f"{mutation}: wrote {changed}")
    assert not problems, "\n".join(problems)
