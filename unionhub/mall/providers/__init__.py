"""Which provider takes which payment method, chosen by configuration.

`UNIONHUB_PAYMENT_PROVIDERS` maps ALIPAY → alipay|stripe and WECHAT_PAY → wechatpay|stripe;
CARD is Stripe. Any method may name the sandbox rail, which takes every method not named in
development (and which production refuses). Providers are built once per process (and per settings object, so
tests that change settings call `reset_providers`).
"""

from __future__ import annotations

from importlib import import_module

from unionhub.mall.models import PaymentMethod
from unionhub.mall.providers.base import (
    PaymentConfigurationError,
    PaymentProvider,
)
from unionhub.mall.providers.traced import traced
from unionhub.settings import Settings, get_settings

ONLINE_METHODS = (PaymentMethod.ALIPAY, PaymentMethod.WECHAT_PAY, PaymentMethod.CARD)
# Provider name → "module:factory"; the factory takes Settings and raises
# PaymentConfigurationError when its keys are missing or unreadable.
_FACTORIES = {
    "stripe": "unionhub.mall.providers.stripe:StripeProvider",
    "wechatpay": "unionhub.mall.providers.wechatpay:WeChatPayProvider",
    "alipay": "unionhub.mall.providers.alipay:AlipayProvider",
    "sandbox": "unionhub.mall.providers.sandbox:SandboxProvider",
}

_built: dict[str, PaymentProvider] = {}
_built_for: Settings | None = None


def provider_name_for(method: PaymentMethod, settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    default = "sandbox" if settings.env == "development" else "stripe"
    return settings.payment_providers.get(method.value, default)


def configured_names(settings: Settings | None = None) -> list[str]:
    settings = settings or get_settings()
    return sorted({provider_name_for(m, settings) for m in ONLINE_METHODS})


def _build(name: str, settings: Settings) -> PaymentProvider:
    module, factory = _FACTORIES[name].split(":")
    provider: PaymentProvider = getattr(import_module(module), factory)(settings)
    return traced(provider)  # each call a span and a duration (providers/traced.py)


def provider_named(name: str) -> PaymentProvider | None:
    """The provider by name when this deployment uses it (webhooks, stored payments)."""
    global _built_for
    settings = get_settings()
    if _built_for is not settings:
        _built.clear()
        _built_for = settings
    if name not in configured_names(settings):
        return None
    if name not in _built:
        _built[name] = _build(name, settings)
    return _built[name]


def provider_for(method: PaymentMethod) -> PaymentProvider:
    provider = provider_named(provider_name_for(method))
    assert provider is not None  # configured_names holds every method's provider
    return provider


def check_configuration(settings: Settings | None = None) -> list[str]:
    """Build every configured provider once, so that missing or unreadable keys stop the
    process at start-up instead of failing a member's first payment."""
    settings = settings or get_settings()
    names = configured_names(settings)
    for name in names:
        _build(name, settings)
    return names


async def reset_providers() -> None:
    """Close and forget the built providers (their HTTP clients belong to an event loop)."""
    global _built_for
    for provider in list(_built.values()):
        await provider.aclose()
    _built.clear()
    _built_for = None


__all__ = ["PaymentConfigurationError", "check_configuration", "configured_names",
           "provider_for", "provider_name_for", "provider_named", "reset_providers"]
