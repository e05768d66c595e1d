"""WeChat Pay's platform certificates, against the local stand-in: downloaded once and cached
in the cert dir, none means unavailable, the platform public key mode downloads nothing, a
rotated certificate is fetched when a notification names it."""

from __future__ import annotations

import pytest

from tests.mall.standins._wechatpay_keys import session_keys
from tests.mall.wechatpay_provider import _parts, paid, request
from unionhub.mall.providers.base import FactKind, ProviderUnavailable
from unionhub.mall.providers.wechatpay import WeChatPayProvider
from unionhub.settings import get_settings


async def test_certificates_are_downloaded_once_and_cached_in_cert_dir(monkeypatch, wechat,
                                                                        tmp_path):
    monkeypatch.setattr(get_settings(), "wechatpay_cert_dir", str(tmp_path / "certs"))
    first = WeChatPayProvider(get_settings())
    try:
        await first.create_payment(request())
        await first.create_payment(request())
        await first.parse_notification(**_parts(wechat.success_notification(await paid(first, wechat))))
        assert wechat.certificate_downloads == 1
    finally:
        await first.aclose()
    platform = session_keys().platform
    assert (tmp_path / "certs" / f"{platform.serial}.pem").read_text() == platform.cert_pem
    second = WeChatPayProvider(get_settings())  # a restart: the certificate comes from disk
    try:
        await second.create_payment(request())
        assert wechat.certificate_downloads == 1
    finally:
        await second.aclose()


async def test_no_certificate_means_unavailable(monkeypatch, wechat):
    wechat.served = []
    provider = WeChatPayProvider(get_settings())
    try:
        with pytest.raises(ProviderUnavailable):
            await provider.create_payment(request())
        assert wechat.calls.payments == []
    finally:
        await provider.aclose()


async def test_platform_public_key_mode_downloads_nothing(monkeypatch, wechat):
    platform = session_keys().platform
    public_key_id = "PUB_KEY_ID_0119000091912025010100000000000001"
    monkeypatch.setattr(get_settings(), "wechatpay_public_key", platform.public_key_pem)
    monkeypatch.setattr(get_settings(), "wechatpay_public_key_id", public_key_id)
    wechat.public_key_id = public_key_id
    provider = WeChatPayProvider(get_settings())
    try:
        ref = await paid(provider, wechat)
        note = wechat.success_notification(ref)
        assert note.headers["Wechatpay-Serial"] == public_key_id
        assert (await provider.parse_notification(**_parts(note))).kind is FactKind.SUCCEEDED
        assert wechat.certificate_downloads == 0
    finally:
        await provider.aclose()


async def test_a_rotated_certificate_is_fetched_when_a_notification_names_it(provider, wechat):
    ref = await paid(provider, wechat)
    assert wechat.certificate_downloads == 1
    wechat.rotate()
    note = wechat.success_notification(ref)
    assert note.headers["Wechatpay-Serial"] == session_keys().rotated.serial
    fact = await provider.parse_notification(**_parts(note))
    assert fact.kind is FactKind.SUCCEEDED and wechat.certificate_downloads == 2
