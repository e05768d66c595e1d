"""Small modules (the team's rule, issue 23 point 5): no module over 400 lines, in the package,
the tests or the benchmarks, so each one can be read whole and its name says what it holds."""

from __future__ import annotations

from pathlib import Path

import unionhub

LIMIT = 400
ROOT = Path(__file__).resolve().parents[1]


def _over(root: Path, relative_to: Path) -> dict[str, int]:
    """The *.py files under `root` over LIMIT lines: path (from `relative_to`) → lines."""
    return {str(path.relative_to(relative_to)): n for path in sorted(root.rglob("*.py"))
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT}


def test_no_module_of_the_package_is_over_400_lines():
    root = Path(unionhub.__file__).parent
    over = _over(root, root)
    assert over == {}, f"split these modules (lines): {over}"


def test_no_module_of_the_tests_or_the_benchmarks_is_over_400_lines():
    over = {**_over(ROOT / "tests", ROOT), **_over(ROOT / "bench", ROOT)}
    assert over == {}, (
        f"split these modules of tests/ and bench/ into modules of at most {LIMIT} lines, along "
        f"what they test (lines): {over}. Documents, fixtures and helpers the parts share go "
        f"into a module not named test_* (as tests/identity/membership_flows.py), not imported "
        f"from one test_* module into another")
