"""Which `UserError` codes each mutation can answer, read from the code (issue 24, point 5).

A static walk: from the mutation's resolver through every function it calls by name inside
`unionhub` (plain calls and `module.function(...)`), collecting the codes of the domain errors
raised on the way: a `code="…"` given to a domain error or to a helper that takes `code`, or
the class's own code. Access denials (FORBIDDEN, UNAUTHENTICATED and their reasons) are not
payload errors: they answer as GraphQL errors, so they are left out. Methods called on objects
are not followed, so a code raised only there is missed; the generated table is committed
(unionhub/schema/mutation_errors.py) and tests/test_schema_descriptions.py fails when it
drifts from the code: `python -m unionhub.schema.error_scan --write` regenerates it.
"""

from __future__ import annotations

import ast
import inspect
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from strawberry.types.base import StrawberryObjectDefinition

PACKAGE = Path(__file__).resolve().parents[1]
TABLE = Path(__file__).with_name("mutation_errors.py")
DENIALS = {"AccessDenied", "NotAuthenticated"}  # GraphQL errors, never in a payload
BASE = "DomainError"
# Calls not followed: their arguments are fixed, so their input errors cannot happen there.
NOT_FOLLOWED = {("unionhub.identity.orgs", "ensure_holding_pool")}


@dataclass
class Module:
    name: str
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)  # qualname -> def
    aliases: dict[str, str] = field(default_factory=dict)  # local name -> dotted target


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        mod = Module(_module_name(path))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for a in node.names:
                    mod.aliases[a.asname or a.name] = f"{node.module}.{a.name}"
            elif isinstance(node, ast.Import):
                for a in node.names:
                    mod.aliases[a.asname or a.name.split(".")[0]] = (
                        a.name if a.asname else a.name.split(".")[0])
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                mod.functions[node.name] = node
            elif (isinstance(node, ast.Assign) and len(node.targets) == 1
                  and isinstance(node.targets[0], ast.Name)
                  and isinstance(node.value, ast.Attribute)
                  and isinstance(node.value.value, ast.Name)
                  and node.value.value.id in mod.aliases):
                # A re-export (`check_key = idempotency.check_key`): followed like an import.
                target = mod.aliases[node.value.value.id]
                mod.aliases[node.targets[0].id] = f"{target}.{node.value.attr}"
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        mod.functions[f"{node.name}.{item.name}"] = item
        modules[mod.name] = mod
    return modules


@cache
def _error_classes() -> dict[str, tuple[str, bool]]:
    """Domain error class name -> (its code, whether it is an access denial)."""
    found: dict[str, tuple[str | None, str]] = {BASE: ("INVALID", "")}
    for mod in _modules().values():
        tree = ast.parse((PACKAGE.parent / (mod.name.replace(".", "/") + ".py")).read_text()
                         if (PACKAGE.parent / (mod.name.replace(".", "/") + ".py")).exists()
                         else "")
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.bases:
                code = next((s.value.value for s in node.body if isinstance(s, ast.Assign)
                             and any(isinstance(t, ast.Name) and t.id == "code"
                                     for t in s.targets)
                             and isinstance(s.value, ast.Constant)
                             and isinstance(s.value.value, str)), None)
                base = node.bases[0]
                found[node.name] = (code, base.id if isinstance(base, ast.Name) else "")
    classes: dict[str, tuple[str, bool]] = {}

    def resolve(name: str, seen: int = 0) -> tuple[str, bool] | None:
        if name not in found or seen > 10:
            return None
        if name == BASE:
            return ("INVALID", False)
        code, parent = found[name]
        up = resolve(parent, seen + 1)
        if up is None:
            return None
        return (code or up[0], name in DENIALS or up[1])

    for name in found:
        resolved = resolve(name)
        if resolved is not None:
            classes[name] = resolved
    return classes


def _callee(mod: Module, call: ast.Call) -> tuple[str, str] | None:
    """(module, qualname) of a call to a function of the package, if it names one."""
    return _function(mod, call.func)


def _function(mod: Module, func: ast.AST) -> tuple[str, str] | None:
    """(module, qualname) of a name or `module.name` that is a function of the package."""
    if isinstance(func, ast.Name):
        if func.id in mod.functions:
            return mod.name, func.id
        target = mod.aliases.get(func.id, "")
        module, _, name = target.rpartition(".")
        return (module, name) if module in _modules() else None
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        target = mod.aliases.get(func.value.id, "")
        if target in _modules():
            return target, func.attr
    return None


def _codes_in(mod: Module, fn: ast.AST) -> tuple[set[str], list[tuple[str, str]]]:
    codes: set[str] = set()
    calls: list[tuple[str, str]] = []
    classes = _error_classes()
    for node in ast.walk(fn):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else (
            node.func.attr if isinstance(node.func, ast.Attribute) else "")
        given = [k.value.value for k in node.keywords if k.arg == "code"
                 and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)]
        if name in classes:
            default, denial = classes[name]
            if not denial:
                codes.update(given or [default])
            continue
        # A domain function handed to a helper (`_on_article(articles.publish, ...)`) runs too.
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            passed = _function(mod, arg) if isinstance(arg, ast.Name | ast.Attribute) else None
            if passed is not None and passed[1] in _modules()[passed[0]].functions:
                calls.append(passed)
        target = _callee(mod, node)
        if target is None:
            continue
        calls.append(target)
        callee = _modules()[target[0]].functions.get(target[1])
        if callee is not None and given:
            codes.update(given)
        if callee is not None:  # a helper taking `code` positionally
            params = [a.arg for a in callee.args.args]
            if "code" in params and params.index("code") < len(node.args):
                arg = node.args[params.index("code")]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    codes.add(arg.value)
    for node in ast.walk(fn):  # nested helpers (def bad(..., code)) called in the body
        if isinstance(node, ast.FunctionDef) and node is not fn:
            params = [a.arg for a in node.args.args]
            if "code" not in params:
                continue
            index = params.index("code")
            for call in ast.walk(fn):
                if (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                        and call.func.id == node.name and index < len(call.args)):
                    arg = call.args[index]
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        codes.add(arg.value)
    return codes, calls


def codes_from(module: str, qualname: str) -> set[str]:
    """Every payload code reachable from the function `module.qualname`."""
    codes: set[str] = set()
    seen: set[tuple[str, str]] = set()
    todo = [(module, qualname)]
    while todo:
        key = todo.pop()
        if key in seen or key in NOT_FOLLOWED:
            continue
        seen.add(key)
        mod = _modules().get(key[0])
        fn = mod.functions.get(key[1]) if mod else None
        if mod is not None and fn is None and key[1] in mod.aliases:  # re-exported here
            module, _, name = mod.aliases[key[1]].rpartition(".")
            todo.append((module, name))
            continue
        if mod is None or fn is None:
            continue
        found, calls = _codes_in(mod, fn)
        codes |= found
        todo.extend(calls)
    return codes


def codes_from_queries() -> set[str]:
    """Codes the queries' resolvers can raise (BAD_PAGE_SIZE, BAD_PERIOD, ...): their
    descriptions may name them too."""
    from unionhub.schema.builder import build_schema

    schema = build_schema()
    query = schema.schema_converter.type_map["Query"].definition
    assert isinstance(query, StrawberryObjectDefinition)
    codes: set[str] = set()
    for f in query.fields:
        if f.base_resolver is not None:
            assert callable(f.base_resolver.wrapped_func)  # a function, not a descriptor
            fn = inspect.unwrap(f.base_resolver.wrapped_func)
            codes |= codes_from(fn.__module__, fn.__qualname__)
    return codes | codes_from("unionhub.schema.relay", "keyset_page")


def mutation_codes() -> dict[str, tuple[str, ...]]:
    """Mutation field name (as in the schema) -> the codes its payload's `errors` can hold."""
    from unionhub.schema.builder import build_schema

    schema = build_schema()
    mutation = schema.schema_converter.type_map["Mutation"].definition
    assert isinstance(mutation, StrawberryObjectDefinition)
    table: dict[str, tuple[str, ...]] = {}
    for f in mutation.fields:
        assert f.base_resolver is not None and callable(f.base_resolver.wrapped_func)
        fn = inspect.unwrap(f.base_resolver.wrapped_func)
        codes = codes_from(fn.__module__, fn.__qualname__)
        table[schema.config.name_converter.get_graphql_name(f)] = tuple(sorted(codes))
    return dict(sorted(table.items()))


def render(table: dict[str, tuple[str, ...]]) -> str:
    lines = ['"""Generated by `python -m unionhub.schema.error_scan --write` from the code: the '
             "codes each\nmutation's payload `errors` can hold. Do not edit by hand.\"\"\"",
             "", "MUTATION_ERRORS: dict[str, tuple[str, ...]] = {"]
    for name, codes in table.items():
        line = f"    {name!r}: ("
        items = [f"{c!r}," for c in codes]
        body = " ".join(items)
        if len(line) + len(body) + 2 <= 99:
            lines.append(f"{line}{body}),")
            continue
        lines.append(line)
        current = "        "
        for item in items:
            if len(current) + len(item) + 1 > 99:
                lines.append(current.rstrip())
                current = "        "
            current += item + " "
        lines.append(current.rstrip())
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    text = render(mutation_codes())
    if "--write" in sys.argv:
        TABLE.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
