"""What production refuses to start with (used by `unionhub.settings`): development secrets and
secrets too short or empty to hold, sandboxes, the embedded database and cache, a CORS list open
to any site, an unstated window for unbound ciphertexts, and UNIONHUB_* names nothing reads.
Each refusal names the setting, never its value (a value may be a secret)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from unionhub.settings_env import unknown_variables

if TYPE_CHECKING:
    from unionhub.settings import Settings

# HMAC keys (token signatures, blind indexes, the router's proof): a short one is guessable
# offline from one token or one index, so production wants at least `openssl rand -base64 32`.
MIN_SECRET_CHARACTERS = 32
_HMAC_SECRETS = ("jwt_secret", "blind_index_key", "router_secret")
_NON_EMPTY = ("stripe_api_key", "stripe_webhook_secret")
_SANDBOXES = ("sms_provider", "idverify_provider", "captcha_provider")
# Stripe's test-mode keys: payments in test mode move no money, so a "paid" order ships free.
_STRIPE_TEST_PREFIXES = ("sk_test_", "rk_test_")


def _name(field: str) -> str:
    return field.upper() if field in ("database_url", "redis_url") else f"UNIONHUB_{field.upper()}"


def _names(fields: list[str] | tuple[str, ...]) -> str:
    return ", ".join(_name(f) for f in fields)


def refusals(settings: Settings, dev_secrets: dict[str, str]) -> list[str]:
    """Every reason production cannot start with these settings (empty: it can)."""
    found: list[str] = []
    in_use = [name for name, dev in dev_secrets.items() if getattr(settings, name) == dev]
    if in_use:
        found.append(f"production mode refuses development secrets; set {_names(in_use)}")
    short = [name for name in _HMAC_SECRETS if name not in in_use
             and len(getattr(settings, name).strip()) < MIN_SECRET_CHARACTERS]
    if short:
        found.append(f"{_names(short)} must be at least {MIN_SECRET_CHARACTERS} characters "
                     "(e.g. openssl rand -base64 32)")
    empty = [name for name in _NON_EMPTY if not getattr(settings, name).strip()]
    if empty:
        found.append(f"{_names(empty)} must not be empty")
    if settings.stripe_api_key.startswith(_STRIPE_TEST_PREFIXES):
        found.append("UNIONHUB_STRIPE_API_KEY is a Stripe test-mode key: production needs a "
                     "live key (sk_live_ or rk_live_)")
    if "sandbox" in settings.payment_providers.values():
        found.append("production mode refuses the sandbox payment rail; route every method of "
                     "UNIONHUB_PAYMENT_PROVIDERS to a real rail")
    if settings.log_sql_parameters:
        found.append("production mode refuses UNIONHUB_LOG_SQL_PARAMETERS (statements' values "
                     "in the log)")
    if settings.database_url.startswith("sqlite"):
        found.append("production mode needs DATABASE_URL (PostgreSQL)")
    if not settings.redis_url:
        found.append("production mode needs REDIS_URL")
    sandboxes = [name for name in _SANDBOXES if getattr(settings, name) == "sandbox"]
    if sandboxes:
        found.append(f"production mode refuses the sandbox providers; set {_names(sandboxes)}")
    if any("*" in origin or origin.strip().lower() == "null" for origin in settings.cors_origins):
        found.append("UNIONHUB_CORS_ORIGINS lets any site call the API (a wildcard or null "
                     "origin): list the front-ends' origins, e.g. [\"https://app.example.org\"]")
    if "accept_unbound_ciphertexts" not in settings.model_fields_set:
        found.append("production needs UNIONHUB_ACCEPT_UNBOUND_CIPHERTEXTS set: 0 once `unionhub "
                     "keys status` shows no unbound value, 1 only while values written before "
                     "binding remain (deploy/OPERATORS.md)")
    unknown = unknown_variables(os.environ)
    if unknown:
        found.append(f"{', '.join(unknown)}: not a setting, nothing reads it (a typo?); "
                     "docs/settings.md lists every one")
    return found
