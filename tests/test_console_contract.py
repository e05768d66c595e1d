"""The console against the API it is built on (docs/console.md "How it is built"): its generated
types (console/src/gql/) are what GraphQL Code Generator makes of the committed schema snapshot
today, and every error code the console reacts to is one the API still sends to the operations
the console sends. The snapshot itself is checked against the served schema by
tests/test_schema_snapshot.py, so a schema change reaches the console or fails here."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, OperationType, parse

from unionhub.error_codes import CODES
from unionhub.schema.mutation_errors import MUTATION_ERRORS

ROOT = Path(__file__).resolve().parents[1]
CONSOLE = ROOT / "console"
SRC = CONSOLE / "src"
GENERATED = SRC / "gql"
SNAPSHOT = Path("unionhub/schema/snapshots/platform.graphql")


@pytest.mark.skipif(
    shutil.which("node") is None
    or not (CONSOLE / "node_modules/.bin/graphql-codegen").exists(),
    reason="needs node and `npm ci --prefix console`")
def test_generated_types_are_those_of_the_schema_snapshot(tmp_path):
    """console/codegen.ts run in a copy (the working tree is left alone): each generated file
    must equal the committed one. CI's build check compares the manifest only, so types that
    had drifted from the schema went unnoticed until someone rebuilt."""
    copy = tmp_path / "console"
    shutil.copytree(SRC, copy / "src", ignore=shutil.ignore_patterns("gql"))
    for name in ("codegen.ts", "federation.graphql", "package.json", "tsconfig.json"):
        shutil.copy(CONSOLE / name, copy / name)
    (copy / "node_modules").symlink_to(CONSOLE / "node_modules")
    (tmp_path / SNAPSHOT).parent.mkdir(parents=True)
    shutil.copy(ROOT / SNAPSHOT, tmp_path / SNAPSHOT)
    node = shutil.which("node")
    assert node is not None
    made = subprocess.run([node, "node_modules/.bin/graphql-codegen", "--config", "codegen.ts"],
                          cwd=copy, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stdout + made.stderr
    fresh = {p.name: p.read_text(encoding="utf-8") for p in (copy / "src/gql").iterdir()}
    committed = {p.name: p.read_text(encoding="utf-8") for p in GENERATED.iterdir()}
    assert sorted(fresh) == sorted(committed)
    drifted = [name for name in fresh if fresh[name] != committed[name]]
    assert not drifted, (f"console/src/gql/{drifted} differ from what the schema snapshot "
                         "generates: npm run --prefix console build, and commit")


def _console_mutations() -> set[str]:
    """The root fields of the mutations in the console's persisted-documents manifest."""
    manifest = json.loads((GENERATED / "persisted-documents.json").read_text(encoding="utf-8"))
    fields: set[str] = set()
    for text in manifest.values():
        for definition in parse(text).definitions:
            if (isinstance(definition, OperationDefinitionNode)
                    and definition.operation is OperationType.MUTATION):
                fields.update(s.name.value for s in definition.selection_set.selections
                              if hasattr(s, "name"))
    return fields


def _codes_the_console_names() -> dict[str, str]:
    """code → where: the hints it offers (i18n.ts `hint_<CODE>`), the codes its logic compares
    with (`code === 'X'`, `.code === 'X'`) and the sets errors.ts sorts failures by."""
    found: dict[str, str] = {}
    for path in SRC.rglob("*.ts*"):
        if GENERATED in path.parents:
            continue
        text = path.read_text(encoding="utf-8")
        where = str(path.relative_to(CONSOLE))
        for code in re.findall(r"\bhint_([A-Z][A-Z0-9_]+)\s*:", text):
            found.setdefault(code, where)
        for code in re.findall(r"code\s*[!=]==\s*'([A-Z][A-Z0-9_]+)'", text):
            found.setdefault(code, where)
        for listed in re.findall(r"new Set\(\[([^\]]*)\]\)", text):
            for code in re.findall(r"'([A-Z][A-Z0-9_]+)'", listed):
                found.setdefault(code, where)
    return found


def test_the_console_handles_only_codes_the_api_sends():
    mutations = _console_mutations()
    assert {"proposeRootUnionFunds", "resolvePaymentException", "login"} <= mutations
    unknown = mutations - set(MUTATION_ERRORS)
    assert not unknown, f"the console sends mutations the server no longer has: {unknown}"
    sendable = {c.code for c in CODES}
    for field in mutations:
        sendable.update(MUTATION_ERRORS[field])
    named = _codes_the_console_names()
    assert {"SELF_APPROVAL", "CAPTCHA_REQUIRED", "FORBIDDEN"} <= set(named)
    stale = {code: where for code, where in named.items() if code not in sendable}
    assert not stale, ("the console handles codes the API no longer sends to its operations "
                       f"(unionhub/error_codes.py, unionhub/schema/mutation_errors.py): {stale}")
