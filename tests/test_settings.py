"""Settings: safe development defaults that refuse production while a development value is in
use; production turns GraphiQL and GET queries off."""

from __future__ import annotations

import base64

import httpx
import pytest

from tests.production_env import PRODUCTION, STRONG
from unionhub import settings as settings_module
from unionhub.app import create_app
from unionhub.settings import InsecureProductionSettings, Settings

# Every development value that production must refuse, with the variable that replaces it.
DEV_VALUES = {f"UNIONHUB_{name.upper()}": value
              for name, value in settings_module._DEV_SECRETS.items()}


@pytest.fixture
def env(monkeypatch):
    """A clean environment for Settings(): only what a test sets (plus what conftest needs)."""
    for name in [*PRODUCTION, "UNIONHUB_REDIS_URL", "UNIONHUB_DATABASE_URL",
                 "UNIONHUB_ALIYUN_ACCESS_KEY_ID", "UNIONHUB_ALIYUN_ACCESS_KEY_SECRET"]:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _set(env, values: dict[str, str]) -> None:
    for name, value in values.items():
        env.setenv(name, value)


def test_development_defaults_need_no_configuration(env):
    s = Settings()
    assert s.env == "development" and not s.is_production
    assert s.database_url.startswith("sqlite://") and s.redis_url is None
    assert s.jwt_secret == settings_module.DEV_JWT_SECRET
    assert len(base64.b64decode(s.data_key)) == 32


def test_the_dev_secret_list_covers_every_dev_default(env):
    defaults = Settings()
    dev_fields = {name for name, field in Settings.model_fields.items()
                  if isinstance(field.default, str)
                  and "DEV_ONLY" in field.default.replace("-", "_")}
    # The data key is base64, so "DEV" is not visible in it.
    assert dev_fields | {"data_key"} == set(settings_module._DEV_SECRETS)
    for name, value in settings_module._DEV_SECRETS.items():
        assert getattr(defaults, name) == value


def test_production_loads_with_every_secret_set(env):
    _set(env, PRODUCTION)
    s = Settings()
    assert s.is_production
    assert s.database_url == PRODUCTION["DATABASE_URL"] and s.redis_url == PRODUCTION["REDIS_URL"]
    assert s.jwt_secret == STRONG["UNIONHUB_JWT_SECRET"]


@pytest.mark.parametrize("variable", sorted(DEV_VALUES))
def test_production_refuses_each_development_secret(env, variable):
    _set(env, PRODUCTION)
    env.delenv(variable)  # falls back to the DEV_ default
    with pytest.raises(InsecureProductionSettings, match=variable):
        Settings()
    env.setenv(variable, DEV_VALUES[variable])  # or set explicitly to it
    with pytest.raises(InsecureProductionSettings, match=variable) as refused:
        Settings()
    assert DEV_VALUES[variable] not in str(refused.value)  # names it, never prints it


def test_production_names_every_development_secret_at_once(env):
    _set(env, {k: v for k, v in PRODUCTION.items() if k not in STRONG})
    with pytest.raises(InsecureProductionSettings) as refused:
        Settings()
    for variable in DEV_VALUES:
        assert variable in str(refused.value)


def test_production_refuses_the_embedded_database_and_cache(env):
    _set(env, PRODUCTION)
    env.setenv("DATABASE_URL", "sqlite://var/unionhub.sqlite3")
    with pytest.raises(InsecureProductionSettings, match="DATABASE_URL"):
        Settings()
    _set(env, PRODUCTION)
    env.delenv("REDIS_URL")
    with pytest.raises(InsecureProductionSettings, match="REDIS_URL"):
        Settings()


def test_production_refuses_statement_parameters_in_the_log(env):
    _set(env, PRODUCTION)
    env.setenv("UNIONHUB_LOG_LEVEL", "debug")
    assert Settings().log_level == "DEBUG"  # the level alone is fine: statements stay out
    env.setenv("UNIONHUB_LOG_SQL_PARAMETERS", "true")
    with pytest.raises(InsecureProductionSettings, match="UNIONHUB_LOG_SQL_PARAMETERS"):
        Settings()


@pytest.mark.parametrize("variable", ["UNIONHUB_SMS_PROVIDER", "UNIONHUB_IDVERIFY_PROVIDER",
                                      "UNIONHUB_CAPTCHA_PROVIDER"])
def test_production_refuses_the_sandbox_providers(env, variable):
    _set(env, PRODUCTION)
    env.delenv(variable)  # the default: sandbox
    with pytest.raises(InsecureProductionSettings, match=variable):
        Settings()
    env.setenv(variable, "sandbox")
    with pytest.raises(InsecureProductionSettings, match=variable):
        Settings()


@pytest.mark.parametrize(("provider", "missing"), [
    ("aliyun", "UNIONHUB_ALIYUN_ACCESS_KEY_SECRET"),
    ("tencent", "UNIONHUB_TENCENT_SMS_SDK_APP_ID"),
])
def test_an_sms_provider_without_its_settings_refuses_to_start(env, provider, missing):
    from unionhub.identity.provider_errors import ProviderConfigurationError

    _set(env, {"UNIONHUB_SMS_PROVIDER": provider, "UNIONHUB_SMS_SIGN_NAME": "sign",
               "UNIONHUB_SMS_TEMPLATE_ID": "T1", "UNIONHUB_ALIYUN_ACCESS_KEY_ID": "id",
               "UNIONHUB_TENCENTCLOUD_SECRET_ID": "id", "UNIONHUB_TENCENTCLOUD_SECRET_KEY": "k"})
    env.delenv(missing, raising=False)
    with pytest.raises(ProviderConfigurationError, match=missing):
        create_app(settings=Settings(), manage_connections=False)


@pytest.mark.parametrize("key", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_data_key_that_is_not_32_bytes_is_refused_at_start(env, key):
    env.setenv("UNIONHUB_DATA_KEY", key)
    with pytest.raises(ValueError, match="UNIONHUB_DATA_KEY"):
        Settings()


def test_development_and_test_modes_accept_the_dev_secrets(env):
    for mode in ("development", "test"):
        env.setenv("UNIONHUB_ENV", mode)
        assert Settings().jwt_secret == settings_module.DEV_JWT_SECRET


async def _get_graphql(app) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get("/graphql", headers={"Accept": "text/html"})


async def test_production_turns_graphiql_get_queries_and_introspection_off(env):
    _set(env, PRODUCTION)
    production = create_app(settings=Settings(), manage_connections=False)
    page = await _get_graphql(production)
    assert page.status_code >= 400 and "graphiql" not in page.text.lower()
    transport = httpx.ASGITransport(app=production)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        get_query = await client.get("/graphql", params={"query": "{ __typename }"},
                                     headers={"Accept": "application/json"})
        introspection = await client.post("/graphql", json={"query": "{ __schema { types { name } } }"})
    assert get_query.status_code >= 400
    assert introspection.json()["errors"] and not introspection.json().get("data")

    env.setenv("UNIONHUB_ENV", "development")
    development = create_app(settings=Settings(), manage_connections=False)
    page = await _get_graphql(development)
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    transport = httpx.ASGITransport(app=development)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        introspection = await client.post("/graphql", json={"query": "{ __schema { types { name } } }"})
    assert introspection.json()["data"]["__schema"]["types"]
