"""Small modules (the team's rule, issue 23 point 5): no module of the package over 400 lines,
so each one can be read whole and its name says what it holds."""

from __future__ import annotations

from pathlib import Path

import unionhub

LIMIT = 400


def test_no_module_of_the_package_is_over_400_lines():
    root = Path(unionhub.__file__).parent
    over = {str(path.relative_to(root)): n for path in sorted(root.rglob("*.py"))
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT}
    assert over == {}, f"split these modules (lines): {over}"
