"""The mall's start-up and shutdown hooks (called by the app and the worker)."""

from __future__ import annotations

from unionhub.mall.providers import check_configuration, reset_providers
from unionhub.settings import Settings


def check(settings: Settings) -> None:
    """Refuse to start when a configured payment provider lacks its keys
    (PaymentConfigurationError names the settings, never their values)."""
    check_configuration(settings)


async def close() -> None:
    await reset_providers()  # the providers' HTTP clients
