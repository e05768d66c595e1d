"""Babel extraction for UnionHub's messages (`make messages`; babel.cfg names it).

Messages stay English in the code, written where they are raised; the English text is the
msgid and the catalogue translates it where the error is answered (`unionhub.i18n`). So a new
message needs no marker: this extractor finds the message of every error the package raises,

- the first text argument (or `message=`) of a call to `DomainError` or any class derived
  from it anywhere in the package (found by name, so a new subclass counts at once), of
  `GraphQLError`, `HTTPException` and the refusal helpers;
- anything wrapped in `N_(...)` (constants, other libraries' messages we answer with).

An f-string becomes a template whose placeholders are its expressions' source, e.g.
`f"quantity must be 1–{MAX_QUANTITY}"` → msgid "quantity must be 1–{MAX_QUANTITY}"; the
translation keeps the placeholders and the runtime fills them from the English message.
tests/test_i18n.py runs this over the package and fails on any msgid without a translation.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

PACKAGE = Path(__file__).resolve().parent
# Calls whose message is a text argument, besides DomainError and its subclasses.
MESSAGE_CALLS = frozenset({
    "GraphQLError", "HTTPException", "limit_error", "_error", "_reject", "send_refusal",
    "_Refusal", "_refuse", "N_",
})


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _class_bases(tree: ast.AST, bases: dict[str, set[str]]) -> dict[str, set[str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            bases.setdefault(node.name, set()).update(n for n in map(_name, node.bases) if n)
    return bases


@lru_cache(maxsize=1)
def _package_bases() -> dict[str, set[str]]:
    bases: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" not in path.parts:
            _class_bases(ast.parse(path.read_text(encoding="utf-8")), bases)
    return bases


def error_classes(tree: ast.AST | None = None) -> frozenset[str]:
    """Names of DomainError and every class derived from it (by name) in the package, and in
    `tree` (a file being extracted, which may be new)."""
    bases = {k: set(v) for k, v in _package_bases().items()}
    if tree is not None:
        _class_bases(tree, bases)
    found = {"DomainError"}
    while True:
        more = {cls for cls, parents in bases.items() if parents & found} - found
        if not more:
            return frozenset(found)
        found |= more


def _is_code(text: str) -> bool:
    return text.isupper() and text.replace("_", "").isalpha()


def template(node: ast.expr) -> str | None:
    """The msgid of a message expression: a literal, or an f-string's template."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                parts.append("{" + ast.unparse(value.value) + "}")
        return "".join(parts)
    return None


def messages_in(source: str) -> Iterator[tuple[int, str]]:
    tree = ast.parse(source)
    callables = MESSAGE_CALLS | error_classes(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _name(node.func) not in callables:
            continue
        candidates = [*node.args, *(k.value for k in node.keywords if k.arg == "message")]
        for argument in candidates:
            text = template(argument)
            if text and not _is_code(text):
                yield node.lineno, text
                break


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
            options: Any) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel's extraction-method interface."""
    for lineno, message in messages_in(fileobj.read().decode("utf-8")):
        yield lineno, None, message, []
