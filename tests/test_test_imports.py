"""No module under tests/ imports a test module (test_*.py), at the top or lazily inside a
function. Shared documents, builders and fixtures live in helper modules (tests/processes.py,
tests/identity/account_flows.py, ...) or a conftest.py: a test module imported by another is
coupled to it, may be imported twice under two names, and its imported fixtures collect twice."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def _is_test_module(dotted: str) -> bool:
    return dotted.rsplit(".", 1)[-1].startswith("test_")


def _imported(source: str, package: str) -> list[str]:
    """The dotted modules that `source` imports anywhere (relative ones resolved in `package`)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.append(base)
            found += [f"{base}.{alias.name}" for alias in node.names]  # `from tests import test_x`
    return found


def test_no_module_under_tests_imports_a_test_module():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        if "node_modules" in path.parts:
            continue
        package = ".".join(path.relative_to(TESTS.parent).parent.parts)
        for dotted in _imported(path.read_text(encoding="utf-8"), package):
            if dotted.startswith("tests.") and _is_test_module(dotted):
                offenders.append(f"{path.relative_to(TESTS.parent)} imports {dotted}")
    assert offenders == [], "\n".join(offenders)


def test_the_check_sees_lazy_relative_and_submodule_imports():
    source = ("def f():\n    from .test_quiz import SUBMIT\n    import tests.test_edge\n"
              "from tests.mall import test_orders, helpers\nfrom ..cockpit.test_x import y\n")
    found = [m for m in _imported(source, "tests.activities") if _is_test_module(m)]
    assert sorted(found) == ["tests.activities.test_quiz", "tests.cockpit.test_x",
                             "tests.mall.test_orders", "tests.test_edge"]
