"""Pointing the app at a provider stand-in for one test: settings from the environment, the
providers rebuilt on entry and on exit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from unionhub.identity.captcha import reset_captcha_verifier
from unionhub.identity.idverify import reset_verifier
from unionhub.identity.sms_providers import reset_sms_provider
from unionhub.settings import reset_settings_cache


async def _rebuild() -> None:
    reset_settings_cache()
    await reset_sms_provider()
    await reset_verifier()
    await reset_captcha_verifier()


@asynccontextmanager
async def configured(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> AsyncIterator[None]:
    with monkeypatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        await _rebuild()
        try:
            yield
        finally:
            await reset_sms_provider()
            await reset_verifier()
            await reset_captcha_verifier()
    await _rebuild()
