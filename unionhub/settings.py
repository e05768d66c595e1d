"""Settings from the environment.

Every secret has a development default so that the quick start needs no set-up; each such
default is marked `DEV_` and the settings refuse to load in production while one is in use.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Development-only secrets: public, in the repository, never acceptable in production.
DEV_JWT_SECRET = "DEV-ONLY-jwt-secret-do-not-use-in-production"  # noqa: S105
DEV_DATA_KEY = "REVWLU9OTFktZGF0YS1rZXktMzItYnl0ZXMtbG9uZyE="  # base64 of 32 bytes
DEV_BLIND_INDEX_KEY = "DEV-ONLY-blind-index-key-do-not-use-in-production"
DEV_STRIPE_WEBHOOK_SECRET = "whsec_DEV_ONLY_do_not_use_in_production"  # noqa: S105
DEV_ROUTER_SECRET = "DEV-ONLY-router-secret-do-not-use-in-production"  # noqa: S105
DEV_STRIPE_API_KEY = "sk_test_DEV_ONLY"

_DEV_SECRETS = {
    "jwt_secret": DEV_JWT_SECRET,
    "data_key": DEV_DATA_KEY,
    "blind_index_key": DEV_BLIND_INDEX_KEY,
    "stripe_webhook_secret": DEV_STRIPE_WEBHOOK_SECRET,
    "stripe_api_key": DEV_STRIPE_API_KEY,
    "router_secret": DEV_ROUTER_SECRET,
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
    # With OTLP export on: 1 exports every trace; below 1, only slow (over the threshold above)
    # and failed traces, plus this share of the rest (observability/tail_export.py).
    trace_export_ratio: float = Field(default=1.0, ge=0.0, le=1.0)

    stripe_api_key: str = DEV_STRIPE_API_KEY
    stripe_api_base: str | None = None
    stripe_webhook_secret: str = DEV_STRIPE_WEBHOOK_SECRET

    # Payment rails (issue 9): the provider that takes each online method, as JSON, e.g.
    # UNIONHUB_PAYMENT_PROVIDERS='{"ALIPAY": "alipay", "WECHAT_PAY": "wechatpay"}'. Methods not
    # named stay on Stripe; CARD is always Stripe. A configured provider without its keys
    # stops the process at start-up (unionhub.mall.providers.check_configuration).
    payment_providers: dict[str, str] = Field(default_factory=dict)
    # Prefix of our trade numbers (out_trade_no): distinct per deployment sharing a merchant id.
    payment_reference_prefix: str = "UH"
    # WeChat Pay API v3 (direct merchant). Keys inline or from the files named.
    wechatpay_mchid: str | None = None
    wechatpay_appid: str | None = None  # the official account's (JSAPI, NATIVE) or the app's
    wechatpay_miniprogram_appid: str | None = None  # MINI_PROGRAM payments, when it differs
    wechatpay_cert_serial_no: str | None = None  # serial of the merchant's API certificate
    wechatpay_private_key: str | None = None  # the merchant's API private key (PEM)
    wechatpay_private_key_file: str | None = None
    wechatpay_apiv3_key: str | None = None  # 32 characters: decrypts notifications, certificates
    wechatpay_notify_url: str | None = None  # https URL of /webhooks/wechatpay as WeChat sees it
    wechatpay_cert_dir: str | None = None  # where downloaded platform certificates are kept
    wechatpay_public_key: str | None = None  # WeChat Pay platform public key mode (PEM) ...
    wechatpay_public_key_file: str | None = None
    wechatpay_public_key_id: str | None = None  # ... and its id (PUB_KEY_ID_...)
    wechatpay_api_base: str = "https://api.mch.weixin.qq.com"
    # Alipay open platform (public-key mode, RSA2).
    alipay_app_id: str | None = None
    alipay_app_private_key: str | None = None  # the app's private key (PEM)
    alipay_app_private_key_file: str | None = None
    alipay_public_key: str | None = None  # Alipay's public key (PEM): verifies Alipay's signatures
    alipay_public_key_file: str | None = None
    alipay_notify_url: str | None = None  # https URL of /webhooks/alipay as Alipay sees it
    alipay_return_url: str | None = None  # where the browser returns after a page payment
    alipay_gateway: str = "https://openapi.alipay.com/gateway.do"

    service_name: str = "unionhub"
    # The federation router proves itself with this (header X-UnionHub-Router): only it may
    # use the plumbing fields _entities and _service, which would otherwise let anyone
    # enumerate members by id.
    router_secret: str = DEV_ROUTER_SECRET

    # The GraphQL edge (issue 7): operation limits, persisted operations, HTTP limits.
    max_query_cost: int = 5000
    max_query_depth: int = 12
    max_query_aliases: int = 15
    max_query_tokens: int = 2000
    max_root_fields: int = 10
    max_body_bytes: int = 1024 * 1024
    cors_origins: list[str] = Field(default_factory=list)  # JSON list, e.g. '["https://app.example"]'
    persisted_operations_file: str | None = None  # manifest written by `unionhub operations add`
    persisted_operations_only: bool = False  # safelist: run registered operations only
    # Production serves no GraphQL over GET; this lets queries sent by hash alone through
    # (Apollo's useGETForHashedQueries, cacheable by a CDN). Variables then travel in URLs:
    # only where no personal data is sent as a variable of such a query, or URLs are not logged.
    persisted_queries_via_get: bool = False
    # Messages follow Accept-Language (zh-CN or en); a request that names neither gets this.
    default_language: Literal["zh-CN", "en"] = "zh-CN"
    # Sign-in abuse: failed logins per phone (then locked out for the window), attempts per IP.
    login_failures_per_phone: int = 5
    login_attempts_per_ip: int = 30
    register_attempts_per_ip: int = 10
    rate_limit_window_seconds: int = 900

    @field_validator("data_key")
    @classmethod
    def _data_key_is_32_bytes(cls, value: str) -> str:
        # Checked at start-up, not at the first encryption of a phone number.
        try:
            key = base64.b64decode(value, validate=True)
        except ValueError:
            key = b""
        if len(key) != 32:
            raise ValueError("UNIONHUB_DATA_KEY must be the base64 of 32 bytes (AES-256-GCM)")
        return value

    @field_validator("payment_providers")
    @classmethod
    def _known_rails(cls, value: dict[str, str]) -> dict[str, str]:
        allowed = {"ALIPAY": {"stripe", "alipay"}, "WECHAT_PAY": {"stripe", "wechatpay"},
                   "CARD": {"stripe"}}
        for method, provider in value.items():
            if provider not in allowed.get(method, ()):
                choices = " or ".join(sorted(allowed.get(method, ()))) or "nothing"
                raise ValueError(f"UNIONHUB_PAYMENT_PROVIDERS: {method} can use {choices}")
        return value

    @field_validator("payment_reference_prefix")
    @classmethod
    def _short_prefix(cls, value: str) -> str:
        if not (value.isascii() and value.isalnum() and 1 <= len(value) <= 8):
            raise ValueError("UNIONHUB_PAYMENT_REFERENCE_PREFIX must be 1-8 letters or digits")
        return value

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
