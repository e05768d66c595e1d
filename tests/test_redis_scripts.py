"""Every Lua script names the keys it touches in KEYS (issue 22: a Redis Cluster routes a script
by its declared keys, and Redis 7 refuses one that touches a key of another slot, or a key the
node does not serve). Whether the declared keys share a slot is checked where it can be: on the
cluster itself (`.ci/redis-cluster`, whose per-test check fails a test on any CROSSSLOT or
MOVED reply, tests/conftest.py). This test finds a script that reaches a key through ARGV or
a built name, which no slot check of the caller's keys can see, in every run."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import unionhub

_CALL = re.compile(r"redis\.(?:p?call)\(\s*'(\w+)'\s*(?:,\s*([^,)]+))?")
_KEYLESS = {"TIME", "PING"}  # commands without a key argument
# Scripts that read keys they do not declare, on purpose: both run only on one server (their
# callers send per-key commands instead on a cluster: lookup._by_card, board_pages.try_page
# and page's record_prefix), and the cluster slice runs those callers.
_UNDECLARED = {
    ("unionhub/identity/lookup.py", "GET", "ARGV[1] .. id .. '}'"),
    ("unionhub/activities/board_pages.py", "GET", "ARGV[3] .. rows[i] .. '}'"),
    ("unionhub/activities/board_pages.py", "GET", "ARGV[4]"),
}


def _scripts() -> list[tuple[str, str]]:
    root = Path(unionhub.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and "redis.call" in node.value:
                found.append((path.relative_to(root.parent).as_posix(), node.value))
    return found


def _undeclared(script: str) -> list[tuple[str, str]]:
    """(command, key argument) of each call whose key is not KEYS[...] (or a local set from
    it, or all of KEYS unpacked)."""
    aliases = set(re.findall(r"local (\w+) = KEYS\[", script))
    odd = []
    for command, first in _CALL.findall(script):
        key = first.strip()
        if command.upper() in _KEYLESS or key.startswith(("KEYS[", "unpack(KEYS")) \
                or key in aliases:
            continue
        odd.append((command, key))
    return odd


def test_scripts_touch_only_the_keys_they_declare():
    scripts = _scripts()
    assert len(scripts) >= 15  # the walk finds them (the lockout's, the boards', ...)
    found = {(path, command, key) for path, script in scripts
             for command, key in _undeclared(script)}
    assert found == _UNDECLARED


def test_the_check_sees_a_key_reached_through_argv():
    assert _undeclared("redis.call('INCR', ARGV[1])") == [("INCR", "ARGV[1]")]
    assert _undeclared("local board = KEYS[1 + 1]\nredis.call('ZADD', board, 1, 'a')") == []
