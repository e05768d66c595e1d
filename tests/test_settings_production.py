"""What production refuses beyond the development secrets (tests/test_settings.py): secrets
too short or empty to hold, a Stripe test-mode key, a CORS list open to any site, and an
unstated window for unbound ciphertexts. Each names its setting and never prints the value,
in Settings() and when `unionhub serve` or `unionhub worker` starts."""

from __future__ import annotations

import os

import pytest

from tests.processes import free_port, run
from tests.production_env import PRODUCTION
from unionhub.settings import InsecureProductionSettings, Settings

# (variable, value production must refuse)
REFUSED = [
    ("UNIONHUB_JWT_SECRET", ""),
    ("UNIONHUB_JWT_SECRET", "short-jwt-secret"),
    ("UNIONHUB_ROUTER_SECRET", ""),
    ("UNIONHUB_ROUTER_SECRET", "router-secret-of-31-characters!"),
    ("UNIONHUB_BLIND_INDEX_KEY", "   "),
    ("UNIONHUB_STRIPE_WEBHOOK_SECRET", ""),
    ("UNIONHUB_STRIPE_API_KEY", ""),
    ("UNIONHUB_STRIPE_API_KEY", "sk_test_51NotForProductionUse"),
    ("UNIONHUB_STRIPE_API_KEY", "rk_test_51NotForProductionUse"),
    ("UNIONHUB_CORS_ORIGINS", '["*"]'),
    ("UNIONHUB_CORS_ORIGINS", '["https://app.example.org", "null"]'),
    ("UNIONHUB_CORS_ORIGINS", '["https://*.example.org"]'),
]


@pytest.fixture
def env(monkeypatch):
    for name in [*PRODUCTION, "UNIONHUB_REDIS_URL", "UNIONHUB_DATABASE_URL",
                 "UNIONHUB_CORS_ORIGINS"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


@pytest.mark.parametrize(("variable", "value"), REFUSED)
def test_production_refuses_a_weak_or_open_setting(env, variable, value):
    env.setenv(variable, value)
    with pytest.raises(InsecureProductionSettings, match=variable) as refused:
        Settings()
    if value.strip() and variable != "UNIONHUB_CORS_ORIGINS":
        assert value not in str(refused.value)  # names it, never prints it
    env.setenv("UNIONHUB_ENV", "development")  # development takes any of them
    assert Settings().env == "development"


def test_production_takes_long_secrets_live_keys_and_listed_origins(env):
    env.setenv("UNIONHUB_ROUTER_SECRET", "r" * 32)
    env.setenv("UNIONHUB_STRIPE_API_KEY", "rk_live_51Restricted")
    env.setenv("UNIONHUB_CORS_ORIGINS", '["https://app.example.org", "https://console.example.org"]')
    assert Settings().cors_origins == ["https://app.example.org", "https://console.example.org"]


@pytest.mark.parametrize("stated", ["0", "1"])
def test_production_needs_the_unbound_ciphertext_window_stated(env, stated):
    env.delenv("UNIONHUB_ACCEPT_UNBOUND_CIPHERTEXTS")
    with pytest.raises(InsecureProductionSettings, match="UNIONHUB_ACCEPT_UNBOUND_CIPHERTEXTS"):
        Settings()
    env.setenv("UNIONHUB_ACCEPT_UNBOUND_CIPHERTEXTS", stated)
    assert Settings().accept_unbound_ciphertexts is (stated == "1")
    env.setenv("UNIONHUB_ENV", "development")  # development keeps the default: on
    env.delenv("UNIONHUB_ACCEPT_UNBOUND_CIPHERTEXTS")
    assert Settings().accept_unbound_ciphertexts is True


def test_production_names_every_refusal_at_once(env):
    env.setenv("UNIONHUB_JWT_SECRET", "short")
    env.setenv("UNIONHUB_CORS_ORIGINS", '["*"]')
    env.delenv("UNIONHUB_ACCEPT_UNBOUND_CIPHERTEXTS")
    with pytest.raises(InsecureProductionSettings) as refused:
        Settings()
    message = str(refused.value)
    for variable in ("UNIONHUB_JWT_SECRET", "UNIONHUB_CORS_ORIGINS",
                     "UNIONHUB_ACCEPT_UNBOUND_CIPHERTEXTS"):
        assert variable in message


@pytest.mark.parametrize(("variable", "value"), [
    ("UNIONHUB_JWT_SECRET", "short-jwt-secret"),
    ("UNIONHUB_STRIPE_API_KEY", "sk_test_51NotForProductionUse"),
    ("UNIONHUB_CORS_ORIGINS", '["*"]'),
    ("UNIONHUB_ACCEPT_UNBOUND_CIPHERTEXTS", None),
])
@pytest.mark.parametrize("command", [("serve", "--port"), ("worker",)])
async def test_the_server_and_the_worker_refuse_to_start(variable, value, command):
    environment = {**os.environ, **PRODUCTION}
    if value is None:
        del environment[variable]
    else:
        environment[variable] = value
    args = (*command, str(free_port())) if command[-1] == "--port" else command
    result = await run(*args, env=environment)
    line = result.stderr.strip()
    assert result.returncode == 1 and "\n" not in line, result.stderr
    assert line.startswith("unionhub refuses to start:") and variable in line
    assert value is None or variable == "UNIONHUB_CORS_ORIGINS" or value not in line
