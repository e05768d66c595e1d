"""The sandbox captcha: passes SANDBOX_TICKET (any randstr) and nothing else, so that
development, demos and front-end teams can try the captcha step without Tencent Cloud.
Production settings refuse it."""

from __future__ import annotations

import hmac

from unionhub.identity.captcha import SANDBOX_TICKET, CaptchaProof


class SandboxCaptcha:
    name = "sandbox"
    single_use = False  # a public test ticket, used over and over

    async def check(self, proof: CaptchaProof, client_ip: str) -> bool:
        return hmac.compare_digest(proof.ticket, SANDBOX_TICKET)

    async def close(self) -> None:
        return None
