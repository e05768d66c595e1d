"""Settings from the environment.

Every secret has a development default so that the quick start needs no set-up; each such
default is marked `DEV_` and the settings refuse to load in production while one is in use.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Development-only secrets: public, in the repository, never acceptable in production.
DEV_JWT_SECRET = "DEV-ONLY-jwt-secret-do-not-use-in-production"  # noqa: S105
DEV_DATA_KEY = "REVWLU9OTFktZGF0YS1rZXktMzItYnl0ZXMtbG9uZyE="  # base64 of 32 bytes
DEV_BLIND_INDEX_KEY = "DEV-ONLY-blind-index-key-do-not-use-in-production"
DEV_STRIPE_WEBHOOK_SECRET = "whsec_DEV_ONLY_do_not_use_in_production"  # noqa: S105

_DEV_SECRETS = {
    "jwt_secret": DEV_JWT_SECRET,
    "data_key": DEV_DATA_KEY,
    "blind_index_key": DEV_BLIND_INDEX_KEY,
    "stripe_webhook_secret": DEV_STRIPE_WEBHOOK_SECRET,
}


class InsecureProductionSettings(RuntimeError):
    """Raised when production mode is asked for with a development secret in place."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="UNIONHUB_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"

    # Embedded defaults: a SQLite file and an in-process fakeredis (REDIS_URL unset).
    database_url: str = Field(
        default="sqlite://var/unionhub.sqlite3",
        validation_alias=AliasChoices("DATABASE_URL", "UNIONHUB_DATABASE_URL"),
    )
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "UNIONHUB_REDIS_URL")
    )
    db_pool_max: int = 20

    jwt_secret: str = DEV_JWT_SECRET
    data_key: str = DEV_DATA_KEY  # base64-encoded 32-byte AES-256-GCM key for personal data
    blind_index_key: str = DEV_BLIND_INDEX_KEY  # HMAC key for exact-match lookups of personal data
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 30 * 24 * 3600

    # argon2id at OWASP's minimum (m=19 MiB, t=2, p=1): ~21 ms a hash on this machine type.
    argon2_memory_kib: int = 19 * 1024
    argon2_time_cost: int = 2

    member_cache_ttl_seconds: int = 3600
    slow_operation_threshold_ms: float = 500.0
    slow_operations_kept: int = 200

    stripe_api_key: str = "sk_test_DEV_ONLY"
    stripe_api_base: str | None = None
    stripe_webhook_secret: str = DEV_STRIPE_WEBHOOK_SECRET

    service_name: str = "unionhub"

    @model_validator(mode="after")
    def _refuse_dev_secrets_in_production(self) -> Settings:
        if self.env == "production":
            in_use = [name for name, dev in _DEV_SECRETS.items() if getattr(self, name) == dev]
            if in_use:
                names = ", ".join(f"UNIONHUB_{n.upper()}" for n in in_use)
                raise InsecureProductionSettings(
                    f"production mode refuses development secrets; set {names}"
                )
            if self.database_url.startswith("sqlite"):
                raise InsecureProductionSettings("production mode needs DATABASE_URL (PostgreSQL)")
            if not self.redis_url:
                raise InsecureProductionSettings("production mode needs REDIS_URL")
        return self

    @property
    def is_production(self) -> bool:
        return self.env == "production"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings_cache() -> None:
    get_settings.cache_clear()
