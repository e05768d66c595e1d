"""Real-name verification (身份证二要素: legal name + resident ID number) against an authority,
behind one interface chosen by UNIONHUB_IDVERIFY_PROVIDER: `tencent` (Tencent Cloud faceid
IdCardVerification, through tencentcloud-sdk-python-faceid) or `sandbox` (the demo table in
idverify/sandbox.py; refused in production).

`verify(name, number)` answers True for a match and False for a mismatch or a number the
authority does not know; it raises `ProviderUnavailable` (IDENTITY_PROVIDER_UNAVAILABLE,
retryable) when the authority cannot answer. It never logs the name or the number.
"""

from __future__ import annotations

from typing import Protocol

from unionhub.identity import sms_providers  # noqa: F401  (quiets the SDKs' DEBUG logs)
from unionhub.identity.provider_errors import ProviderUnavailable, require
from unionhub.settings import Settings, get_settings

UNAVAILABLE = "IDENTITY_PROVIDER_UNAVAILABLE"


class IdentityVerifier(Protocol):
    name: str

    async def verify(self, legal_name: str, id_number: str) -> bool: ...

    async def close(self) -> None: ...


def unavailable() -> ProviderUnavailable:
    return ProviderUnavailable("the identity-verification service is unavailable; try again "
                               "shortly", code=UNAVAILABLE)


def check_configuration(settings: Settings) -> None:
    if settings.idverify_provider == "tencent":
        require(settings, ["tencentcloud_secret_id", "tencentcloud_secret_key"],
                "tencent identity-verification")


_verifier: IdentityVerifier | None = None


def get_verifier() -> IdentityVerifier:
    global _verifier
    if _verifier is None:
        settings = get_settings()
        check_configuration(settings)
        if settings.idverify_provider == "tencent":
            from unionhub.identity.idverify.tencent import TencentIdVerifier

            _verifier = TencentIdVerifier(settings)
        else:
            from unionhub.identity.idverify.sandbox import SandboxIdVerifier

            _verifier = SandboxIdVerifier()
    return _verifier


async def reset_verifier() -> None:
    global _verifier
    if _verifier is not None:
        await _verifier.close()
    _verifier = None
