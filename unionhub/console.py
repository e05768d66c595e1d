"""The browser console (issue 20) at /console: the Vite build of `console/`, committed under
`unionhub/static/console/` so that a machine without Node serves it (`make up`, the image).

Static files, and /console/config.json: which captcha the sign-in shows once a phone needs one
(CAPTCHA_REQUIRED): Tencent's widget with its public app id, or the sandbox's button. Every
figure comes from /graphql with the person's own token. The console's pages carry their own
Content-Security-Policy (scripts and styles from this server only, nothing inline: the charts
draw their tooltips on their canvas), which the edge keeps instead of its API-wide
`default-src 'none'`; with the Tencent captcha it also allows Tencent's captcha hosts, whose
script must be loaded from them (their documented integration: a copy served from here would not
be updated and could misjudge people), and inline styles, which its widget may set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

from unionhub.settings import Settings, get_settings

BUILD = Path(__file__).resolve().parent / "static" / "console"
CSP = (b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       b"connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
       b"form-action 'self'")
# Tencent Cloud Captcha 2.0's script (cloud.tencent.com/document/product/1110/36841) and the
# hosts its widget loads its frame, images and checks from.
TENCENT_CAPTCHA_JS = "https://turing.captcha.qcloud.com/TJCaptcha.js"
TENCENT_CAPTCHA_HOSTS = b"https://turing.captcha.qcloud.com https://turing.captcha.gtimg.com"


def policy(settings: Settings) -> bytes:
    """The console's CSP: this server only, plus Tencent's captcha hosts when it is in use."""
    if settings.captcha_provider != "tencent":
        return CSP
    hosts = TENCENT_CAPTCHA_HOSTS
    # Tencent's widget styles its own popup, which we cannot try here against the real script:
    # its inline styles stay allowed with it (docs/console.md).
    return (b"default-src 'self'; script-src 'self' " + hosts + b"; style-src 'self' "
            b"'unsafe-inline' " + hosts + b"; img-src 'self' data: " + hosts + b"; "
            b"connect-src 'self' " + hosts + b"; frame-src " + hosts + b"; object-src 'none'; "
            b"frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def client_config(settings: Settings) -> dict[str, Any]:
    """What the console reads at start: the captcha to show (the app id is public: every page
    with Tencent's widget carries it; the secret key never leaves the server)."""
    if settings.captcha_provider == "tencent":
        return {"captcha": {"provider": "tencent", "appId": str(settings.tencent_captcha_app_id),
                            "script": TENCENT_CAPTCHA_JS}}
    return {"captcha": {"provider": "sandbox"}}


class _ConsoleFiles:
    """StaticFiles with the console's CSP; hashed assets cached for a year, the page never."""

    def __init__(self, directory: Path, csp: bytes = CSP) -> None:
        self.files = StaticFiles(directory=directory, html=True)
        self.csp = csp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        immutable = scope["path"].startswith("/console/assets/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                cache = b"public, max-age=31536000, immutable" if immutable else b"no-cache"
                message = {**message, "headers": [
                    *message.get("headers", []),
                    (b"content-security-policy", self.csp), (b"cache-control", cache)]}
            await send(message)

        await self.files(scope, receive, with_headers)


def routes(settings: Settings | None = None) -> list[BaseRoute]:
    """/console (redirect), /console/config.json and /console/… ; none when the build is
    absent (a source checkout whose build was removed: the API still serves)."""
    if not (BUILD / "index.html").exists():
        return []
    settings = settings or get_settings()
    config = client_config(settings)

    async def to_slash(_: Any) -> RedirectResponse:
        return RedirectResponse("/console/", status_code=308)

    async def config_json(_: Any) -> JSONResponse:
        return JSONResponse(config, headers={"cache-control": "no-cache"})

    return [Route("/console", to_slash), Route("/console/config.json", config_json),
            Mount("/console", app=_ConsoleFiles(BUILD, policy(settings)))]
