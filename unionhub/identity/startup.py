"""Identity's start-up and shutdown hooks (called by the app and the worker)."""

from __future__ import annotations

from unionhub.identity import audit_linker, captcha, idverify, revocation, sms_providers
from unionhub.settings import Settings


def check(settings: Settings) -> None:
    """Refuse to start when the configured SMS, captcha or identity-verification provider lacks its
    settings (ProviderConfigurationError names the variables, never their values)."""
    sms_providers.check_configuration(settings)
    idverify.check_configuration(settings)
    captcha.check_configuration(settings)


async def close() -> None:
    await audit_linker.finish()  # rows written in transactions, before the pool closes
    await revocation.finish()  # revocations made in transactions, published once they ended
    await sms_providers.reset_sms_provider()  # the providers' HTTP clients
    await idverify.reset_verifier()
    await captcha.reset_captcha_verifier()
