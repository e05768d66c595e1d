"""An environment production accepts: strong secrets and real providers, for the settings and
sandbox tests."""

from __future__ import annotations

import base64

STRONG = {
    "UNIONHUB_JWT_SECRET": "prod-jwt-secret-" + "x" * 32,
    "UNIONHUB_DATA_KEY": base64.b64encode(bytes(range(32))).decode(),
    "UNIONHUB_BLIND_INDEX_KEY": "prod-blind-index-" + "y" * 32,
    "UNIONHUB_STRIPE_API_KEY": "sk_live_prod_key",
    "UNIONHUB_STRIPE_WEBHOOK_SECRET": "whsec_prod_secret",
    "UNIONHUB_ROUTER_SECRET": "prod-router-secret-" + "z" * 32,
}
# Real SMS and identity-verification providers: production refuses the sandboxes.
PROVIDERS = {
    "UNIONHUB_SMS_PROVIDER": "tencent",
    "UNIONHUB_IDVERIFY_PROVIDER": "tencent",
    "UNIONHUB_CAPTCHA_PROVIDER": "tencent",
    "UNIONHUB_TENCENT_CAPTCHA_APP_ID": "199999164",
    "UNIONHUB_TENCENT_CAPTCHA_APP_SECRET_KEY": "prod-captcha-key",
    "UNIONHUB_TENCENTCLOUD_SECRET_ID": "AKIDprod",
    "UNIONHUB_TENCENTCLOUD_SECRET_KEY": "prod-secret-key",
    "UNIONHUB_TENCENT_SMS_SDK_APP_ID": "1400000000",
    "UNIONHUB_SMS_SIGN_NAME": "陕西工会",
    "UNIONHUB_SMS_TEMPLATE_ID": "1000001",
}
PRODUCTION = {
    **PROVIDERS,
    "UNIONHUB_ENV": "production",
    "DATABASE_URL": "postgres://unionhub@db.internal:5432/unionhub",
    "REDIS_URL": "redis://cache.internal:6379/0",
    # A deployment that started bound (no value from before binding): stated, as production asks.
    "UNIONHUB_ACCEPT_UNBOUND_CIPHERTEXTS": "0",
    **STRONG,
}
