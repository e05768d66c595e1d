"""WeChat Pay's side of the stand-in (tests/mall/standins/wechatpay.py), apart from its routes:
the merchant's identifiers, the test keys (our merchant key, WeChat's platform keys and
certificates, a rogue key) generated once per session, RSA-SHA256 signing, the APIv3 key's
AES-256-GCM sealing, and the settings that point the app at all of them. The leading
underscore keeps it out of the rails tests/mall/conftest.py runs the lifecycle tests over."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

# WeChat's backup domain: not the SDK's hard-coded gateway, so the setting is exercised.
API_BASE = "https://api2.mch.weixin.qq.com"
MCHID = "1900009191"
APPID = "wxd678efh567hg6787"
MINI_APPID = "wx_mini_program_01"
MERCHANT_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
NOTIFY_URL = "https://mall.unionhub.test/webhooks/wechatpay"
CHINA = timezone(timedelta(hours=8))
SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"


def _rsa() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@dataclass(frozen=True)
class Platform:
    """A WeChat Pay platform key and its certificate (WeChat rotates them)."""

    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @property
    def serial(self) -> str:
        return format(self.cert.serial_number, "X")

    @property
    def cert_pem(self) -> str:
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def public_key_pem(self) -> str:
        return self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def make_platform() -> Platform:
    key = _rsa()
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Tenpay.com"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA (test)")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1825))
            .sign(key, hashes.SHA256()))
    return Platform(key, cert)


@dataclass(frozen=True)
class Keys:
    merchant: rsa.RSAPrivateKey  # our API key: WeChat knows its public half
    platform: Platform  # WeChat's signing key and certificate
    rotated: Platform  # the certificate WeChat rotates to
    rogue: rsa.RSAPrivateKey  # a key that is not WeChat's (forgeries) nor ours
    apiv3_key: str

    @property
    def merchant_pem(self) -> str:
        return pem(self.merchant)


@lru_cache(maxsize=1)
def session_keys() -> Keys:
    """Generated once per session: RSA key generation is slow."""
    return Keys(merchant=_rsa(), platform=make_platform(), rotated=make_platform(), rogue=_rsa(),
                apiv3_key=secrets.token_hex(16))


def sign(key: rsa.RSAPrivateKey, message: str) -> str:
    return base64.b64encode(key.sign(message.encode(), padding.PKCS1v15(),
                                     hashes.SHA256())).decode()


def aes_encrypt(apiv3_key: str, plaintext: str, associated_data: str) -> dict[str, str]:
    nonce = secrets.token_hex(6)  # WeChat's nonces are 12 characters
    sealed = AESGCM(apiv3_key.encode()).encrypt(nonce.encode(), plaintext.encode(),
                                                associated_data.encode())
    return {"algorithm": "AEAD_AES_256_GCM", "nonce": nonce, "associated_data": associated_data,
            "ciphertext": base64.b64encode(sealed).decode()}


def rfc3339(dt: datetime | None = None) -> str:
    return (dt or datetime.now(UTC)).astimezone(CHINA).isoformat(timespec="seconds")


def settings_for(keys: Keys, **over: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "wechatpay_mchid": MCHID, "wechatpay_appid": APPID, "wechatpay_miniprogram_appid": None,
        "wechatpay_cert_serial_no": MERCHANT_SERIAL, "wechatpay_private_key": keys.merchant_pem,
        "wechatpay_private_key_file": None, "wechatpay_apiv3_key": keys.apiv3_key,
        "wechatpay_notify_url": NOTIFY_URL, "wechatpay_cert_dir": None,
        "wechatpay_public_key": None, "wechatpay_public_key_file": None,
        "wechatpay_public_key_id": None, "wechatpay_api_base": API_BASE,
    }
    values.update(over)
    return values
