"""Operation limits: each just under passes validation, just over is refused with its code."""

from __future__ import annotations

import pytest

from unionhub.schema.builder import build_schema
from unionhub.schema.context import Context
from unionhub.schema.disclosure import CONCEALED_VALIDATION, CONCEALED_VARIABLE
from unionhub.schema.limits import Limits

LIMITS = Limits(max_cost=500, max_root_fields=3, max_depth=6, max_aliases=3, max_tokens=200,
                default_page_size=20, default_list_size=10)


@pytest.fixture(scope="module")
def schema():
    return build_schema(limits=LIMITS)


@pytest.fixture(scope="module")
def production_schema():
    return build_schema(limits=LIMITS, production=True)


async def run(schema, query: str, variables: dict | None = None):
    return await schema.execute(query, variable_values=variables, context_value=Context())


def codes(result) -> list[str | None]:
    return [(e.extensions or {}).get("code") for e in result.errors or []]


def limit_codes(result) -> set[str]:
    limit = {"COST_LIMIT", "ROOT_FIELD_LIMIT"}
    return {c for c in codes(result) if c in limit} | {
        "VALIDATION" for e in result.errors or [] if e.original_error is None
    }


async def test_cost_just_under_and_over_with_variables(schema, factory):
    await factory.tree()
    query = "query($n: Int) { members(unionId: 1, first: $n) { edges { node { union { name } } } } }"
    # cost = n * (1 + edges(1 + node(1 + union 1))) = 4n
    under = await run(schema, query, {"n": 125})
    assert "COST_LIMIT" not in codes(under)
    assert under.extensions["cost"] == 500
    over = await run(schema, query, {"n": 126})
    assert codes(over) == ["COST_LIMIT"]
    assert over.errors[0].extensions["cost"] == 504
    assert over.data is None


async def test_nested_lists_multiply_and_fragments_cannot_hide_cost(schema):
    query = """
      query { unions { ...Kids } }
      fragment Kids on Union { children { children { name } } }
    """
    # plain lists count 10: unions 10 * (1 + children 10 * (1 + children 10 * 1)) = 1110
    result = await run(schema, query)
    assert codes(result) == ["COST_LIMIT"]
    assert result.errors[0].extensions["cost"] == 1110


async def test_root_fields(schema):
    under = await run(schema, "{ a: unions { id } b: unions { id } c: unions { id } }")
    assert "ROOT_FIELD_LIMIT" not in codes(under)
    hidden = await run(schema, "{ unions { id } ...More } "
                               "fragment More on Query { me { id } slowOperations { traceId } union(id: 1) { id } }")
    assert codes(hidden) == ["ROOT_FIELD_LIMIT"]  # fragments count where spread
    four = await run(schema, "{ unions { id } union(id: 1) { id } me { id } slowOperations { traceId } }")
    assert codes(four) == ["ROOT_FIELD_LIMIT"]


async def test_depth(schema):
    def nested(parents: int) -> str:  # depth = 1 + parents
        return "{ unions { " + "parent { " * parents + "id" + " }" * parents + " } }"

    under = await run(schema, nested(5))
    assert not [e for e in under.errors or [] if "depth" in e.message]
    over = await run(schema, nested(6))
    assert any("exceeds maximum operation depth" in e.message for e in over.errors)


async def test_aliases(schema):
    under = await run(schema, "{ a: unions { id } b: unions { id } c: unions { id } }")
    assert not [e for e in under.errors or [] if "aliases" in e.message]
    over = await run(schema, "{ a: unions { x: id } b: unions { id } c: unions { id } }")
    assert any("aliases" in e.message for e in over.errors)


async def test_tokens(schema):
    ids = " ".join(["id"] * 90)
    under = await run(schema, "{ unions { " + ids + " } }")
    assert not [e for e in under.errors or [] if "token" in e.message.lower()]
    over = await run(schema, "{ unions { " + " ".join(["id"] * 200) + " } }")
    assert any("token" in e.message.lower() for e in over.errors)


async def test_suggestions_and_introspection_off_in_production(schema, production_schema):
    dev = await run(schema, "{ unoins { id } }")
    assert "Did you mean" in dev.errors[0].message
    prod = await run(production_schema, "{ unoins { id } }")
    # Production names nothing of the schema (issue 24; tests/test_disclosure.py measures it).
    assert [(e.message, e.extensions["code"], e.locations) for e in prod.errors] == [
        (CONCEALED_VALIDATION, "GRAPHQL_VALIDATION_FAILED", None)]
    introspection = await run(production_schema, "{ __schema { types { name } } }")
    assert introspection.errors and introspection.data is None
    assert (await run(schema, "{ __schema { queryType { name } } }")).errors is None


async def test_coercion_errors_suggest_nothing_in_production(schema, production_schema):
    # A value that fails coercion (not validation) must not reveal the enum's values either.
    query = "query Mine($s: VoucherStatus) { myVouchers(status: $s) { id } }"
    dev = await run(schema, query, {"s": "USD"})
    assert "Did you mean" in dev.errors[0].message
    prod = await run(production_schema, query, {"s": "USD"})
    assert [(e.message, e.extensions["code"]) for e in prod.errors] == [
        (CONCEALED_VARIABLE, "BAD_USER_INPUT")]


async def test_identical_operations_are_validated_once(schema, monkeypatch):
    from unionhub.schema import operation

    calls = []
    real = operation.validate_document

    def counting(*args):
        calls.append(args[1])
        return real(*args)

    monkeypatch.setattr(operation, "validate_document", counting)
    query = "query Cached { unions { id name } }"
    for _ in range(3):
        assert (await run(schema, query)).errors is None
    assert len(calls) == 1
    bad = "query Typo { unoins { id } }"
    for _ in range(2):
        assert (await run(schema, bad)).errors
    assert len(calls) == 2  # validation errors are cached too


async def test_a_cost_that_reads_a_page_size_is_analysed_once_per_size(schema, factory,
                                                                        monkeypatch):
    from unionhub.schema import limits

    await factory.tree()
    walks = []
    real = limits._CostWalker.__init__

    def counting(self, *args):
        walks.append(1)
        real(self, *args)

    monkeypatch.setattr(limits._CostWalker, "__init__", counting)
    query = ("query Paged($n: Int, $u: ID!) { members(unionId: $u, first: $n) { edges { node { "
             "union { name } } } } }")
    for n, cost in ((125, 500), (126, 504), (125, 500), (126, 504), (None, 80)):
        for union in ("1", "2"):  # a variable the cost does not read: the same analysis
            result = await run(schema, query, {"n": n, "u": union})
            if cost > 500:
                assert codes(result) == ["COST_LIMIT"]
                assert result.errors[0].extensions["cost"] == cost
            else:
                assert "COST_LIMIT" not in codes(result)
                assert result.extensions["cost"] == cost
    assert len(walks) == 3  # one per page size, however many requests
    odd = await run(schema, query, {"n": [1], "u": "1"})  # unhashable: analysed, not cached
    assert codes(odd)


def _doubling(levels: int, name: str) -> str:
    """An operation spreading F0, each fragment spreading the next twice: 2**levels fields."""
    fragments = " ".join(f"fragment {name}{i} on Query {{ ...{name}{i + 1} ...{name}{i + 1} }}"
                         for i in range(levels))
    return (f"query {name} {{ ...{name}0 }} {fragments} "
            f"fragment {name}{levels} on Query {{ __typename }}")


@pytest.fixture
def depth_rule_calls(monkeypatch) -> list[int]:
    """Each call of strawberry's depth rule (which follows every fragment spread) appends 1."""
    from strawberry.extensions import query_depth_limiter

    calls: list[int] = []
    real = query_depth_limiter.determine_depth

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(query_depth_limiter, "determine_depth", counting)
    return calls


@pytest.mark.parametrize("fast_path", [True, False])
async def test_fragments_that_multiply_are_refused_before_any_walk_follows_them(
        gql, fast_path, depth_rule_calls):
    """A 600-byte document of fragments each spreading the next twice selected 2**n fields:
    strawberry's depth and alias rules and the cost walk followed every spread (14 levels took
    ~0.1 s, 18 took 3 s, 30 would take hours). The spread-out size is counted once per fragment
    and refused over `max_selections` (10,000) before those walks."""
    from unionhub.fastpath import switch
    from unionhub.fastpath.switch import Switches

    previous = switch.set_switches(Switches.of(fast_path))
    calls = depth_rule_calls
    try:
        tag = "Fast" if fast_path else "Slow"
        under = await gql(_doubling(13, f"Under{tag}"))  # 8,192 fields
        assert under.errors == [] and under.data == {"__typename": "Query"}
        calls.clear()
        over = await gql(_doubling(14, f"Over{tag}"))  # 16,384
        assert over.error_codes() == ["SELECTION_LIMIT"] and over.body.get("data") is None
        assert "16384" in over.errors[0]["message"]
        assert calls == []  # refused before the depth rule walked anything
        huge = await gql(_doubling(60, f"Huge{tag}"))  # 2**60: counted, not walked
        assert huge.error_codes() == ["SELECTION_LIMIT"]
    finally:
        switch.set_switches(previous)


async def test_a_cycle_of_fragments_is_reported_without_following_every_path(
        production_schema, depth_rule_calls):
    """Seven fragments each spreading the six others: the depth rule followed every path
    (factorial: 7 took 30 ms, 8 took 90 ms, 12 would take hours) before graphql-core's
    NoFragmentCycles, which follows none, refused it."""
    calls = depth_rule_calls
    k = 7
    fragments = " ".join(
        f"fragment C{i} on Query {{ __typename "
        + " ".join(f"...C{j}" for j in range(k) if j != i) + " }" for i in range(k))
    result = await run(production_schema, "query Cycle { ...C0 } " + fragments)
    assert result.data is None
    assert set(codes(result)) == {"GRAPHQL_VALIDATION_FAILED"}
    assert calls == []
    over = await run(production_schema, _doubling(14, "Prod"))  # names no type: kept as it is
    assert codes(over) == ["SELECTION_LIMIT"] and "16384" in over.errors[0].message


@pytest.mark.parametrize("fast_path", [True, False])
async def test_long_texts_are_not_kept_by_the_per_text_caches(schema, fast_path, monkeypatch):
    """A 2,000-token operation can be padded to the 1 MB body limit (a comment, whitespace, a
    long literal): the per-text caches (parsed documents, validation, cost, span names,
    compiled plans; 1,024 texts each) kept ~2 MB per padded text, ~2 GB per worker. Texts over
    OPERATION_TEXT_KEPT run uncached; short ones are still kept."""
    from unionhub.fastpath import switch
    from unionhub.fastpath.switch import Switches
    from unionhub.schema import limits, operation

    kept_text = getattr(limits, "OPERATION_TEXT_KEPT", 32 * 1024)
    parsed: list[int] = []
    real_parse = operation.parse

    def counting_parse(query, **kwargs):
        parsed.append(len(query))
        return real_parse(query, **kwargs)

    monkeypatch.setattr(operation, "parse", counting_parse)
    config = schema.extensions[0].config
    previous = switch.set_switches(Switches.of(fast_path))
    try:
        padding = "#" + "x" * kept_text
        for i in range(3):
            for _ in range(2):  # the second time answers the same, parsed again
                result = await run(schema, f"query Padded{i}{fast_path} {{ unions {{ id }} }}\n"
                                           + padding)
                assert result.errors is None and result.data == {"unions": []}
        short = f"query Short{fast_path} {{ unions {{ id }} }}"
        for _ in range(2):
            assert (await run(schema, short)).errors is None
    finally:
        switch.set_switches(previous)

    def texts(cache: dict) -> list[str]:
        return [key[0] if isinstance(key, tuple) else key for key in cache]

    kept = [*config.validated, *texts(config.analysed), *texts(config.span_naming),
            *texts(config.compiled)]
    assert short in kept
    assert [t for t in kept if "Padded" in t] == []
    assert len([n for n in parsed if n > kept_text]) == 6  # none from a cache
    assert len([n for n in parsed if n <= kept_text]) == 1  # the short one, once


def test_the_selection_limit_is_a_setting_as_the_others_are():
    """UNIONHUB_MAX_QUERY_SELECTIONS, as the token, depth and alias limits are settings (the
    personal-data walk raises them all to walk a root field in one request)."""
    from unionhub.app import limits_from
    from unionhub.settings import Settings

    assert limits_from(Settings()).max_selections == Limits().max_selections == 10_000
    assert limits_from(Settings(max_query_selections=123)).max_selections == 123
