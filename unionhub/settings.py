"""Settings from the environment.

Every secret has a development default so that the quick start needs no set-up; each such
default is marked `DEV_` and the settings refuse to load in production while one is in use.
"""

from __future__ import annotations

import base64
import ipaddress
from functools import lru_cache
from typing import Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from unionhub.settings_keys import RetiredKey, check_key_id, is_32_bytes

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
    # Redis Cluster and Sentinel (issue 22; deploy/OPERATORS.md). REDIS_URL names a cluster
    # when redis_cluster is set or its scheme is redis+cluster:// (any node serves as the seed).
    # With redis_sentinels ("host:port,host:port") the primary is the one the sentinels name
    # redis_sentinel_master; REDIS_URL then gives only its password and database number.
    # arq cannot use a cluster: arq_redis_url names the plain Redis `unionhub worker` queues on.
    redis_cluster: bool = False
    redis_sentinels: str | None = None
    redis_sentinel_master: str = "mymaster"
    arq_redis_url: str | None = None

    @field_validator("redis_sentinels")
    @classmethod
    def _check_sentinels(cls, value: str | None) -> str | None:
        if not value:
            return None
        for item in value.split(","):
            host, _, port = item.strip().rpartition(":")
            if not item.strip() or (host and not port.isdigit()):
                raise ValueError("sentinels are host:port entries separated by commas")
        return value

    db_pool_max: int = 20
    # PostgreSQL reached through PgBouncer in transaction mode: no named prepared statements
    # (asyncpg's statement cache) and no connection held between statements (db.py, audit.py).
    db_pgbouncer: bool = False
    # Read replicas (issue 22, db_replicas.py): PostgreSQL URLs, comma-separated, for the reads
    # that tolerate a little lag; one further behind than the limit is skipped (primary).
    database_read_url: str = ""
    db_replica_max_lag_seconds: float = Field(default=5.0, ge=0)
    db_replica_check_seconds: float = Field(default=1.0, gt=0)

    jwt_secret: str = DEV_JWT_SECRET
    data_key: str = DEV_DATA_KEY  # base64-encoded 32-byte AES-256-GCM key for personal data
    blind_index_key: str = DEV_BLIND_INDEX_KEY  # HMAC key for exact-match lookups of personal data
    # Keys with ids (issue 17): the pair above is the current one, named UNIONHUB_DATA_KEY_ID
    # (default "v1" under the aes suite, "s1" under sm, so switching suites alone never reuses
    # an id). Older pairs stay readable while listed in UNIONHUB_RETIRED_KEYS, JSON like
    # '{"v1": {"suite": "aes", "data_key": "...", "blind_index_key": "..."}}', until
    # `unionhub keys rotate` has moved every value to the current key.
    crypto_suite: Literal["aes", "sm"] = "aes"  # UNIONHUB_CRYPTO_SUITE: sm = SM4-GCM + HMAC-SM3
    data_key_id: str | None = None
    retired_keys: dict[str, RetiredKey] = Field(default_factory=dict)
    # A key rotation whose runner has not reported for this long is taken to be dead (killed)
    # and may be resumed by another `unionhub keys rotate`.
    key_rotation_stale_seconds: float = 60.0
    # Personal data written before ciphertexts were bound to their row (identity.crypto) reads
    # while this is on. Turn it off once `unionhub keys rotate` has bound every row (`keys
    # status` shows no unbound value): then a ciphertext moved between rows is always refused.
    # Production refuses to start unless it is set explicitly (settings_production.py).
    accept_unbound_ciphertexts: bool = True
    # Audit rows older than this are moved to audit_log_archive (never deleted), chain intact.
    audit_retention_days: int = Field(default=3 * 365, ge=1)
    # An audit row committed but not linked into the chain for longer than this is an alarm
    # (identity/audit_linker.py: the sweep's log and gauge, `unionhub audit verify`).
    audit_unlinked_alarm_seconds: int = Field(default=300, ge=1)
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    # A session (one sign-in's refresh family) ends this long after its sign-in however often
    # it is refreshed: a stolen refresh token kept in use does not live for ever.
    session_max_age_seconds: int = Field(default=90 * 24 * 3600, ge=60)
    # A refresh token presented again this soon after its rotation (two tabs at once) gets the
    # same new pair; later, the reuse revokes its family.
    refresh_reuse_grace_seconds: int = 10

    # argon2id at OWASP's minimum (m=19 MiB, t=2, p=1): ~21 ms a hash on this machine type.
    argon2_memory_kib: int = 19 * 1024
    argon2_time_cost: int = 2

    # The fast path (unionhub/fastpath/): 0 serves with the libraries' public paths only;
    # UNIONHUB_FAST_PATH_OFF turns single parts off (comma-separated; fastpath/switch.py).
    fast_path: bool = True
    fast_path_off: str = ""
    member_cache_ttl_seconds: int = 3600
    slow_operation_threshold_ms: float = 500.0
    slow_operations_kept: int = 200
    # With OTLP export on: 1 exports every trace; below 1, only slow (over the threshold above)
    # and failed traces, plus this share of the rest (observability/tail_export.py).
    trace_export_ratio: float = Field(default=1.0, ge=0.0, le=1.0)
    # Metrics (issue 19): the MeterProvider, /metrics and OTLP export; false installs nothing.
    metrics_enabled: bool = True
    # Who may scrape /metrics: client addresses in these networks (JSON list), or any client
    # sending `Authorization: Bearer <UNIONHUB_METRICS_TOKEN>` when that is set.
    metrics_allowed_networks: list[str] = Field(default_factory=lambda: ["127.0.0.0/8", "::1/128"])
    metrics_token: str | None = None
    # `unionhub worker`: /metrics on <host>:<port> (the same allow-list and token as above)
    worker_metrics_port: int | None = None
    worker_metrics_host: str = "127.0.0.1"
    # `serve` and `worker` log from this level (observability/logs.py). Statements and their
    # parameters never, whatever the level, but with UNIONHUB_LOG_SQL_PARAMETERS (development).
    log_level: Literal["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"] = "INFO"
    log_sql_parameters: bool = False

    stripe_api_key: str = DEV_STRIPE_API_KEY
    stripe_api_base: str | None = None
    stripe_webhook_secret: str = DEV_STRIPE_WEBHOOK_SECRET

    # Payment rails (issue 9): the provider that takes each online method, as JSON, e.g.
    # UNIONHUB_PAYMENT_PROVIDERS='{"ALIPAY": "alipay", "WECHAT_PAY": "wechatpay"}'. Methods not
    # named stay on Stripe; CARD is always Stripe. A configured provider without its keys
    # stops the process at start-up (unionhub.mall.providers.check_configuration).
    payment_providers: dict[str, str] = Field(default_factory=dict)
    # The sandbox rail (issue 18), for development, demos and front-end teams: it takes every
    # online method not named above in development, and production refuses it. Its pay page
    # is served by UnionHub at this base URL, and `unionhub sandbox` posts its notifications
    # there. The secret signs them: public, and not in the DEV_ secrets production checks,
    # because production refuses the sandbox rail itself (below).
    sandbox_base_url: str = "http://127.0.0.1:8000"
    sandbox_secret: str = "sandbox-rail-public-signing-secret"  # noqa: S105
    # Union funds (工会经费集采, issue 18): a bulk order above this amount is approved by a
    # cadre of an ancestor union of the union paying (default ¥50,000), and so is one that
    # takes what the union's own cadres approved in the last window (rolling days, less
    # what came back) past it: splitting a purchase does not dodge the line ...
    union_funds_escalation_fen: int = Field(default=5_000_000, ge=0)
    union_funds_escalation_window_days: int = Field(default=30, ge=1, le=366)
    # ... may order up to this many of one SKU (personal orders: 99) ...
    union_bulk_max_quantity: int = Field(default=10_000, ge=1)
    # ... and holds its stock this long while it waits for a second cadre's approval.
    union_bulk_payment_window_hours: int = Field(default=72, ge=1)
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
    # Fields selected once every named fragment is spread where it is used (SELECTION_LIMIT).
    max_query_selections: int = 10_000
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
    # Sign-in abuse: failed logins per phone (a wide attack: see below), attempts per IP.
    login_failures_per_phone: int = 50
    login_attempts_per_ip: int = 30
    register_attempts_per_ip: int = 10
    rate_limit_window_seconds: int = 900
    # Issue 16: password failures per (phone, client address) before that pair waits, with the
    # wait doubling from the base at each further failure up to the cap. A phone with
    # `login_failures_per_phone` failures in the window (from any addresses: a wide attack)
    # has its password path paused for the rest of the window; SMS sign-in is not affected.
    login_failures_per_pair: int = 5
    login_backoff_base_seconds: int = 2
    login_backoff_max_seconds: int = 900
    # Gateways whose X-Forwarded-For is believed (JSON list of addresses or CIDRs).
    trusted_proxies: list[str] = Field(default_factory=list)

    # Phone ownership by SMS code (issue 16; identity/sms_codes.py). `sandbox` sends nothing:
    # it keeps the codes for `unionhub sandbox sms PHONE`, and production refuses it.
    sms_provider: Literal["sandbox", "aliyun", "tencent"] = "sandbox"
    sms_code_ttl_seconds: int = 300
    sms_code_max_tries: int = 5
    sms_resend_seconds: int = 60
    # One attempt per code, no answer within this: the code may have gone out (the window stays).
    sms_timeout_seconds: int = 5
    sms_codes_per_phone_per_day: int = 10
    sms_codes_per_ip_per_day: int = 30
    sms_code_checks_per_ip: int = 60  # per rate_limit_window_seconds, over every phone
    # Past this many codes a Shanghai day, a phone's next code needs a solved captcha
    # (identity/captcha/): strangers cannot spend the owner's daily budget for free.
    sms_codes_before_captcha: int = 3
    captcha_provider: Literal["sandbox", "tencent"] = "sandbox"
    tencent_captcha_app_id: int | None = None
    tencent_captcha_app_secret_key: str | None = None
    tencent_captcha_endpoint: str = "https://captcha.tencentcloudapi.com"
    sms_sign_name: str | None = None  # the approved signature (签名), both providers
    sms_template_id: str | None = None  # the approved verification-code template, every purpose
    sms_templates: dict[str, str] = Field(default_factory=dict)  # per purpose: {"LOGIN": "..."}
    aliyun_access_key_id: str | None = None
    aliyun_access_key_secret: str | None = None
    aliyun_sms_endpoint: str = "https://dysmsapi.aliyuncs.com"
    tencentcloud_secret_id: str | None = None
    tencentcloud_secret_key: str | None = None
    tencentcloud_region: str = "ap-guangzhou"
    tencent_sms_sdk_app_id: str | None = None
    tencent_sms_endpoint: str = "https://sms.tencentcloudapi.com"
    # Real-name (name + ID number) verification (identity/idverify/): `sandbox` verifies only
    # its demo table; production refuses it.
    idverify_provider: Literal["sandbox", "tencent"] = "sandbox"
    tencent_faceid_endpoint: str = "https://faceid.tencentcloudapi.com"
    idverify_attempts_per_member: int = 5
    idverify_attempts_per_ip: int = 20
    # Per ID number across every account (its blind index): the authority is no name oracle.
    idverify_attempts_per_id_number: int = 5
    idverify_window_seconds: int = 24 * 3600

    @field_validator("data_key")
    @classmethod
    def _data_keyis_32_bytes(cls, value: str) -> str:
        # Checked at start-up, not at the first encryption of a phone number.
        try:
            key = base64.b64decode(value, validate=True)
        except ValueError:
            key = b""
        if len(key) != 32:
            raise ValueError("UNIONHUB_DATA_KEY must be the base64 of 32 bytes (AES-256-GCM)")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ValueError(f"UNIONHUB_TRUSTED_PROXIES: {entry!r} is not an address or "
                                 "network") from None
        return value

    @field_validator("fast_path_off")
    @classmethod
    def _fast_path_parts(cls, value: str) -> str:
        from unionhub.fastpath.switch import Switches

        Switches.of(True, fast_path_parts(value))  # unknown names refused at start
        return value

    @field_validator("retired_keys")
    @classmethod
    def _retired_keys_valid(cls, value: dict[str, RetiredKey]) -> dict[str, RetiredKey]:
        for key_id, key in value.items():
            check_key_id(key_id, "UNIONHUB_RETIRED_KEYS")
            is_32_bytes(key.data_key, f"UNIONHUB_RETIRED_KEYS[{key_id}].data_key")
        return value

    @field_validator("data_key_id")
    @classmethod
    def _data_key_id_valid(cls, value: str | None) -> str | None:
        return None if value is None else check_key_id(value, "UNIONHUB_DATA_KEY_ID")

    @property
    def current_key_id(self) -> str:
        return self.data_key_id or ("s1" if self.crypto_suite == "sm" else "v1")

    @field_validator("payment_providers")
    @classmethod
    def _known_rails(cls, value: dict[str, str]) -> dict[str, str]:
        allowed = {"ALIPAY": {"stripe", "alipay", "sandbox"},
                   "WECHAT_PAY": {"stripe", "wechatpay", "sandbox"}, "CARD": {"stripe", "sandbox"}}
        for method, provider in value.items():
            if provider not in allowed.get(method, ()):
                choices = " or ".join(sorted(allowed.get(method, ()))) or "nothing"
                raise ValueError(f"UNIONHUB_PAYMENT_PROVIDERS: {method} can use {choices}")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("payment_reference_prefix")
    @classmethod
    def _short_prefix(cls, value: str) -> str:
        if not (value.isascii() and value.isalnum() and 1 <= len(value) <= 8):
            raise ValueError("UNIONHUB_PAYMENT_REFERENCE_PREFIX must be 1-8 letters or digits")
        return value

    @model_validator(mode="after")
    def _current_key_not_retired(self) -> Settings:
        if self.current_key_id in self.retired_keys:
            raise ValueError(f"key id {self.current_key_id} is both current and retired")
        return self

    @model_validator(mode="after")
    def _refuse_insecure_production(self) -> Settings:
        if self.env == "production":
            from unionhub.settings_production import refusals

            found = refusals(self, _DEV_SECRETS)
            if found:
                raise InsecureProductionSettings("; ".join(found))
        return self

    @property
    def is_production(self) -> bool:
        return self.env == "production"


def fast_path_parts(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings_cache() -> None:
    get_settings.cache_clear()
