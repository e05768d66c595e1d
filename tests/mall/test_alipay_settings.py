"""The Alipay provider's settings: keys from files and as bare base64; start-up refused without
usable keys, naming the settings and never their values; Alipay not configured is not built."""

from __future__ import annotations

import base64

import pytest

from tests.mall.standins.alipay import APP_ID, NOTIFY_URL, configure, keys
from unionhub.mall import providers
from unionhub.mall.providers.alipay import AlipayProvider
from unionhub.mall.providers.base import PaymentConfigurationError


def _armourless(pem: str) -> str:
    return "".join(line for line in pem.splitlines() if not line.startswith("-----"))


async def test_keys_from_files_and_bare_base64(monkeypatch, tmp_path) -> None:
    private_file = tmp_path / "app_private_key.pem"
    private_file.write_text(keys("app").private_pem)
    settings = configure(monkeypatch, alipay_app_private_key=None,
                         alipay_app_private_key_file=str(private_file),
                         alipay_public_key=_armourless(keys("alipay").public_pem))
    provider = AlipayProvider(settings)
    await provider.aclose()
    assert base64.b64decode(_armourless(keys("alipay").public_pem))  # really bare base64


@pytest.mark.parametrize(("over", "named"), [
    ({"alipay_app_id": None}, ["UNIONHUB_ALIPAY_APP_ID"]),
    ({"alipay_app_private_key": None, "alipay_public_key": None},
     ["UNIONHUB_ALIPAY_APP_PRIVATE_KEY", "UNIONHUB_ALIPAY_PUBLIC_KEY"]),
    ({"alipay_notify_url": None}, ["UNIONHUB_ALIPAY_NOTIFY_URL"]),
    ({"alipay_app_private_key": "-----BEGIN RSA PRIVATE KEY-----\nnot a key\n"},
     ["UNIONHUB_ALIPAY_APP_PRIVATE_KEY"]),
    ({"alipay_app_private_key": "@@not base64@@"}, ["UNIONHUB_ALIPAY_APP_PRIVATE_KEY"]),
    ({"alipay_app_private_key": keys("app").public_pem}, ["UNIONHUB_ALIPAY_APP_PRIVATE_KEY"]),
    ({"alipay_public_key": keys("alipay").private_pem}, ["UNIONHUB_ALIPAY_PUBLIC_KEY"]),
    ({"alipay_public_key": None, "alipay_public_key_file": "/nonexistent/alipay.pem"},
     ["UNIONHUB_ALIPAY_PUBLIC_KEY_FILE"]),
])
def test_start_up_refused_without_usable_keys(monkeypatch, over: dict, named: list[str]) -> None:
    settings = configure(monkeypatch, **over)
    with pytest.raises(PaymentConfigurationError) as refused:
        providers.check_configuration(settings)
    message = str(refused.value)
    for name in named:
        assert name in message
    for secret in (keys("app").private_pem, keys("alipay").public_pem, APP_ID, NOTIFY_URL,
                   "not a key", "/nonexistent"):
        assert secret not in message
    assert _armourless(keys("app").private_pem)[:40] not in message


def test_alipay_not_configured_is_not_built(monkeypatch) -> None:
    settings = configure(monkeypatch, alipay_app_id=None)
    monkeypatch.setattr(settings, "payment_providers", {})
    assert "alipay" not in providers.configured_names(settings)
