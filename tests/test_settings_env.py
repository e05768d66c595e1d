"""Every environment variable the code reads is in docs/settings.md with its default, and a
`UNIONHUB_*` name nothing reads (a typo) is reported at start-up: a warning in development,
a refusal in production."""

from __future__ import annotations

import os
import re

import pytest

from tests.processes import ROOT, free_port, run
from tests.production_env import PRODUCTION
from unionhub.settings import InsecureProductionSettings, Settings
from unionhub.settings_env import DOC, known_variables, unknown_variables, with_table

TYPO = "UNIONHUB_ACCEPT_UNBOUND_CIPHERTEXT"  # the S missing: the switch it meant stays on


def test_the_settings_table_is_current():
    document = (ROOT / DOC).read_text(encoding="utf-8")
    assert with_table(document) == document, "run: python -m unionhub.settings_env --write"


def test_every_variable_the_code_and_deployment_name_is_known():
    named: set[str] = set()
    for pattern in ("unionhub/**/*.py", "deploy/gateway/*.mjs", "deploy/compose.yaml",
                    "deploy/.env.example", "deploy/Dockerfile"):
        for path in ROOT.glob(pattern):
            if path.name != "settings_env.py":  # (its lists of names not to report)
                named |= set(re.findall(r"\bUNIONHUB_[A-Z0-9_]*[A-Z0-9]\b", path.read_text()))
    assert named - known_variables() == set()


def test_unknown_names_are_found_with_the_likeliest_meant_one():
    environ = {TYPO: "0", "unionhub_jwt_secrt": "x", "UNIONHUB_JWT_SECRET": "y",
               "UNIONHUB_FOO": "1", "PATH": "/bin",
               # Kubernetes service links, the project's tests and bench: never reported
               "UNIONHUB_SERVICE_HOST": "10.0.0.1", "UNIONHUB_PORT_8000_TCP_ADDR": "10.0.0.1",
               "UNIONHUB_MALL_SERVICE_PORT": "8000", "UNIONHUB_TEST_SENTINELS": "s:1",
               "UNIONHUB_BENCH_DB": "bench", "UNIONHUB_UPDATE_SNAPSHOTS": "1"}
    assert unknown_variables(environ) == [
        f"{TYPO} (did you mean UNIONHUB_ACCEPT_UNBOUND_CIPHERTEXTS?)", "UNIONHUB_FOO",
        "unionhub_jwt_secrt (did you mean UNIONHUB_JWT_SECRET?)"]


def test_production_refuses_an_unknown_name(monkeypatch):
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    assert Settings().is_production
    monkeypatch.setenv(TYPO, "secret-looking-value")
    with pytest.raises(InsecureProductionSettings, match=TYPO) as refused:
        Settings()
    assert "secret-looking-value" not in str(refused.value)


async def test_a_typo_warns_in_development_and_stops_production():
    development = {**os.environ, TYPO: "0"}
    warned = await run("sdl", env=development)
    assert warned.returncode == 0 and "type Query" in warned.stdout
    assert warned.stderr.strip() == (
        f"unionhub: warning: {TYPO} (did you mean UNIONHUB_ACCEPT_UNBOUND_CIPHERTEXTS?) is not "
        "a setting; nothing reads it (docs/settings.md lists them)")
    refused = await run("serve", "--port", str(free_port()), env={**os.environ, **PRODUCTION,
                                                                   TYPO: "0"})
    assert refused.returncode == 1
    assert refused.stderr.startswith("unionhub refuses to start:") and TYPO in refused.stderr
    assert "\n" not in refused.stderr.strip()
