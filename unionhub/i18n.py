"""Messages in zh-CN and en, chosen per request by Accept-Language (default: the setting
`UNIONHUB_DEFAULT_LANGUAGE`, zh-CN).

The code writes every message in English where it raises it; the English text is the msgid of
a gettext catalogue (unionhub/locale, kept with Babel: `make messages`, then translate, then
`make compile-messages`). Translation happens at the boundary, where an error is answered:
GraphQL errors and HTTP refusals when the response is written, `UserError.message` when the
field is resolved. So domain code stays as it is, codes never change with the language, and
a request without errors does no catalogue work. A message built with an f-string is a
template in the catalogue ("quantity must be 1–{MAX_QUANTITY}"): the English message is
matched against it and its values are carried into the translation.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("zh-CN", "en")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "unionhub"
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
# Longer messages carry a client's own text (a field or operation name near the body's 1 MB):
# matched against every template they took tenths of a second of CPU, far more than the
# request itself. They are answered as raised (English); their code says the same.
MAX_TEMPLATE_MATCH_CHARS = 4096


def N_(message: str) -> str:
    """Marks a message for extraction (a constant, another library's message) and returns it
    unchanged: it is translated where it is answered, like every other."""
    return message


@dataclass(frozen=True)
class _Template:
    pattern: re.Pattern[str]
    names: tuple[str, ...]
    translation: str
    prefix: str  # the literal text before the first value and after the last: a message
    suffix: str  # without both cannot match, and is passed over without the pattern


@dataclass(frozen=True)
class _Catalogue:
    exact: dict[str, str]
    templates: tuple[_Template, ...]


@lru_cache(maxsize=1)
def _catalogue() -> _Catalogue:
    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as mo:
        entries = {k: v for k, v in gettext.GNUTranslations(mo)._catalog.items()  # type: ignore[attr-defined]  # no public dict
                   if isinstance(k, str) and k and v}
    templates = []
    for msgid, msgstr in entries.items():
        names = tuple(_PLACEHOLDER.findall(msgid))
        if not names:
            continue
        literal = _PLACEHOLDER.split(msgid)[::2]
        pattern = "(.+?)".join(re.escape(part) for part in literal)
        templates.append((sum(map(len, literal)),
                          _Template(re.compile(pattern, re.DOTALL), names, msgstr,
                                    literal[0], literal[-1])))
    # The most literal text first: "union not found" before "{kind} not found".
    ordered = tuple(t for _, t in sorted(templates, key=lambda item: -item[0]))
    return _Catalogue(entries, ordered)


def translate(message: str, language: str) -> str:
    """`message` (English, as raised) in `language`; unchanged when the catalogue lacks it."""
    if language == "en" or not message:
        return message
    catalogue = _catalogue()
    found = catalogue.exact.get(message)
    if found is not None:
        return found
    if len(message) > MAX_TEMPLATE_MATCH_CHARS:
        return message
    for template in catalogue.templates:
        if not (message.startswith(template.prefix) and message.endswith(template.suffix)):
            continue
        match = template.pattern.fullmatch(message)
        if match is not None:
            text = template.translation
            for name, value in zip(template.names, match.groups(), strict=True):
                text = text.replace("{" + name + "}", value)
            return text
    return message


@lru_cache(maxsize=256)
def negotiate(accept_language: str | None, default: str) -> str:
    """The language to answer in: the best of zh-CN and en by the header's q values (any zh
    tag reads Chinese, any en tag English), else `default`."""
    best, best_q = default, 0.0
    for item in (accept_language or "").split(","):
        tag, _, params = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        language = {"zh": "zh-CN", "en": "en"}.get(primary)
        if language is None:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > best_q:
            best, best_q = language, q
    return best


def configured_default() -> str:
    from unionhub.settings import get_settings

    return get_settings().default_language


def translate_response(response: dict, language: str) -> None:
    """Translates the `errors` of a GraphQL response (a dict about to be encoded) in place."""
    if language == "en":
        return
    for error in response.get("errors") or ():
        message = error.get("message")
        if isinstance(message, str):
            error["message"] = translate(message, language)
