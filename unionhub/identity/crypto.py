"""Personal data at rest: authenticated encryption and keyed blind indexes, under the key ring
(`unionhub.crypto.keyring`: keys with ids, AES-256-GCM + HMAC-SHA-256 or SM4-GCM + HMAC-SM3).

Ciphertexts are bound to their purpose and to the row that owns them (the associated data is
`<purpose>#<owner>`, the owner a member's id, say), so a phone ciphertext pasted into the
ID-number column, or into another member's row, fails to decrypt: someone who can write to
the database cannot make one member's data show (and be audited) as another's. Values written
before binding (`<key id>:<base64>`, purpose only) read while
`UNIONHUB_ACCEPT_UNBOUND_CIPHERTEXTS` is on; `unionhub keys rotate` binds them. Blind indexes are
keyed HMACs of the normalised value, so an exact-match lookup needs no decryption and the
database never sees the plaintext. Both record the id of the key that made them; during a
rotation a lookup tries every live key (`blind_indexes`).
"""

from __future__ import annotations

import base64
import binascii
import logging
import os

from unionhub.crypto.keyring import BOUND, Key, key_id_of, keyring
from unionhub.crypto.suites import NONCE_BYTES, DecryptionFailed
from unionhub.errors import DomainError
from unionhub.observability import metrics
from unionhub.settings import get_settings

log = logging.getLogger(__name__)

# The row a ciphertext belongs to (a member's id; what else names the row for other tables),
# or None for a value deliberately bound to its purpose only (short-lived, not personal data).
Owner = int | str | None
_MARK = f"{BOUND}:"


class UnboundRefused(DecryptionFailed):
    """An unbound ciphertext read for a row after unbound values were turned off."""


class PersonalDataUnreadable(DomainError):
    """A stored personal value did not authenticate under its row: moved from another row,
    altered, or unbound once unbound values are refused. Nothing of it is shown."""

    code = "PERSONAL_DATA_UNREADABLE"
    graphql_code = "PERSONAL_DATA_UNREADABLE"


def _aad(purpose: str, owner: Owner) -> bytes:
    # Purposes are plain identifiers (no "#"), so "<purpose>#<owner>" never equals another
    # purpose's, or an unbound value's, associated data.
    return purpose.encode() if owner is None else f"{purpose}#{owner}".encode()


def encrypt(plaintext: str, purpose: str, *, owner: Owner, key: Key | None = None) -> str:
    key = key or keyring().current
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.suite.seal(key.cipher_key, nonce, plaintext.encode(), _aad(purpose, owner))
    body = base64.b64encode(nonce + sealed).decode()
    return f"{key.id}:{body}" if owner is None else f"{key.id}:{_MARK}{body}"


def decrypt(token: str, purpose: str, *, owner: Owner) -> str:
    """The plaintext, or DecryptionFailed (UnboundRefused for an unbound value of a row when
    those are refused). UnknownKey when the key it names is not configured."""
    key_id, sep, body = token.partition(":")
    if not sep:
        raise ValueError("ciphertext names no key id")
    key = keyring().get(key_id)
    if body.startswith(_MARK):
        if owner is None:
            raise DecryptionFailed("a row-bound ciphertext read without its row")
        body, aad = body[len(_MARK):], _aad(purpose, owner)
    else:
        if owner is not None and not get_settings().accept_unbound_ciphertexts:
            raise UnboundRefused("unbound ciphertexts are refused")
        aad = purpose.encode()
    try:
        raw = base64.b64decode(body, validate=True)
    except binascii.Error:
        raise DecryptionFailed("ciphertext is not base64") from None
    return key.suite.open(key.cipher_key, raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad).decode()


def is_bound(value: str) -> bool:
    return value.partition(":")[2].startswith(_MARK)


def refused(purpose: str, subject: str, exc: DecryptionFailed) -> PersonalDataUnreadable:
    """Log and count a personal value that did not authenticate; the error to raise. The log
    names the purpose and the row (`subject`, e.g. "member 12"), never the value."""
    reason = "unbound" if isinstance(exc, UnboundRefused) else "unauthenticated"
    log.warning("personal data refused: the %s of %s did not authenticate under its row (%s)",
                purpose, subject, reason)
    metrics.PERSONAL_DATA_REFUSED.add(1, {"purpose": purpose, "reason": reason})
    return unreadable()


def unreadable() -> PersonalDataUnreadable:
    return PersonalDataUnreadable("this record's stored personal data failed its integrity "
                                  "check and cannot be shown")


def open_personal(token: str, purpose: str, owner: int | str, subject: str | None = None) -> str:
    """A personal field of the row `owner` (a member's id; `subject` names another row for
    the log): refused with PERSONAL_DATA_UNREADABLE, logged and counted, when it does not
    authenticate."""
    try:
        return decrypt(token, purpose, owner=owner)
    except DecryptionFailed as exc:
        raise refused(purpose, subject or f"member {owner}", exc) from None


def _normalised(value: str, purpose: str) -> bytes:
    return f"{purpose}:{value.strip().upper()}".encode()


def blind_index(value: str, purpose: str, key: Key | None = None) -> str:
    """The index under the current key (or `key`): what new rows store."""
    return (key or keyring().current).index(_normalised(value, purpose))


def blind_indexes(value: str, purpose: str) -> list[str]:
    """The index under every live key, current first: what a lookup must match while a
    rotation has not yet reached every row (`column__in=blind_indexes(...)`)."""
    message = _normalised(value, purpose)
    return [key.index(message) for key in keyring().live]


def is_current(value: str | None) -> bool:
    """Was this ciphertext or blind index made with the current key (None counts as done)?"""
    return value is None or key_id_of(value) == keyring().current.id
