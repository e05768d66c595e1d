"""The algorithm suites against the standards' published test vectors, and the key ring:
values that name their key, retired keys still readable, suites that are keys' business."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from unionhub.crypto.keyring import UnknownKey, keyring
from unionhub.crypto.suites import AES, SM, DecryptionFailed
from unionhub.settings import reset_settings_cache

# GB/T 32907-2016, appendix A: example 1 (one block) and example 2 (the same block encrypted
# 1,000,000 times).
SM4_KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")
SM4_BLOCK = SM4_KEY
SM4_ONCE = "681edf34d206965e86b3e94f536e4246"
SM4_MILLION = "595298c7c6fd271f0402f804c33d3f66"

# GB/T 32905-2016, appendix A: "abc" and "abcd" x 16.
SM3_VECTORS = {
    b"abc": "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
    b"abcd" * 16: "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732",
}

# RFC 8998, appendix A.1: SM4-GCM (the GCM construction the suite uses with SM4).
GCM_KEY = SM4_KEY
GCM_IV = bytes.fromhex("00001234567800000000abcd")
GCM_AAD = bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
GCM_PLAIN = bytes.fromhex(
    "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd"
    "eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa")
GCM_CIPHER = bytes.fromhex(
    "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735"
    "d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d")
GCM_TAG = bytes.fromhex("83de3541e4c2b58177e065a9bf7b62ec")


def test_sm4_block_cipher_matches_gb_t_32907():
    # ECB: the standard's vectors are of the bare block cipher.
    encryptor = Cipher(algorithms.SM4(SM4_KEY), modes.ECB()).encryptor()  # noqa: S305
    assert encryptor.update(SM4_BLOCK).hex() == SM4_ONCE
    block = SM4_BLOCK
    for _ in range(1_000_000):
        block = encryptor.update(block)
    assert block.hex() == SM4_MILLION
    decryptor = Cipher(algorithms.SM4(SM4_KEY), modes.ECB()).decryptor()  # noqa: S305
    assert decryptor.update(bytes.fromhex(SM4_ONCE)) == SM4_BLOCK


def test_sm3_matches_gb_t_32905():
    for message, digest in SM3_VECTORS.items():
        assert SM.hash_hex(message) == digest


def test_sm4_gcm_matches_rfc_8998_and_rejects_tampering():
    sealed = SM.seal(GCM_KEY, GCM_IV, GCM_PLAIN, GCM_AAD)
    assert sealed == GCM_CIPHER + GCM_TAG
    assert SM.open(GCM_KEY, GCM_IV, sealed, GCM_AAD) == GCM_PLAIN
    for broken in (sealed[:-1] + bytes([sealed[-1] ^ 1]), bytes([sealed[0] ^ 1]) + sealed[1:]):
        with pytest.raises(DecryptionFailed):
            SM.open(GCM_KEY, GCM_IV, broken, GCM_AAD)
    with pytest.raises(DecryptionFailed):
        SM.open(GCM_KEY, GCM_IV, sealed, GCM_AAD + b"x")


def test_hmac_sm3_is_rfc_2104_over_the_verified_sm3():
    """HMAC-SM3 has no vector in GB/T 32905: it is checked against HMAC built by hand (RFC
    2104) from the SM3 the vectors above verify."""
    def sm3(data: bytes) -> bytes:
        digest = hashes.Hash(hashes.SM3())
        digest.update(data)
        return digest.finalize()

    for key, message in ((b"key", b"abc"), (b"k" * 100, b"abcd" * 16)):
        block = (sm3(key) if len(key) > 64 else key).ljust(64, b"\0")
        inner = sm3(bytes(b ^ 0x36 for b in block) + message)
        expected = sm3(bytes(b ^ 0x5C for b in block) + inner).hex()
        assert SM.mac_hex(key, message) == expected
    assert AES.mac_hex(b"key", b"abc") == __import__("hmac").new(
        b"key", b"abc", hashlib.sha256).hexdigest()


@pytest.fixture
def environment(monkeypatch):
    def use(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"UNIONHUB_{name.upper()}", value)
        reset_settings_cache()

    yield use
    monkeypatch.undo()
    reset_settings_cache()


NEW_KEY = base64.b64encode(bytes(range(32))).decode()


def test_values_name_their_key_and_retired_keys_stay_readable(environment):
    from unionhub.identity.crypto import blind_index, blind_indexes, decrypt, encrypt

    environment()
    old_ring = keyring()
    old_id = old_ring.current.id
    sealed = encrypt("13812345678", "phone", owner=1)
    index = blind_index("13812345678", "phone")
    assert sealed.startswith(f"{old_id}:") and index.startswith(f"{old_id}:") and len(index) == 64

    import json

    from unionhub.settings import get_settings
    old = get_settings()
    retired = json.dumps({old_id: {"suite": old.crypto_suite, "data_key": old.data_key,
                                   "blind_index_key": old.blind_index_key}})
    environment(data_key_id="k2", data_key=NEW_KEY, blind_index_key="second-index-key",
                crypto_suite="sm", retired_keys=retired)
    assert keyring().current.id == "k2" and keyring().current.suite is SM
    assert decrypt(sealed, "phone", owner=1) == "13812345678"  # the retired key still reads
    fresh = encrypt("13812345678", "phone", owner=1)
    assert fresh.startswith("k2:") and decrypt(fresh, "phone", owner=1) == "13812345678"
    both = blind_indexes("13812345678", "phone")
    assert both == [blind_index("13812345678", "phone"), index]
    assert both[0].startswith("k2:")

    environment(retired_keys="{}")  # the old key removed: its values no longer read
    with pytest.raises(UnknownKey):
        decrypt(sealed, "phone", owner=1)


def test_switching_suites_alone_takes_a_new_key_id(environment):
    environment(crypto_suite="sm")
    assert keyring().current.id == "s1" and keyring().current.suite is SM
    environment(crypto_suite="aes")
    assert keyring().current.id == "v1" and keyring().current.suite is AES


def test_bad_key_settings_are_refused(environment):
    from pydantic import ValidationError

    from unionhub.settings import Settings

    for bad in ({"UNIONHUB_DATA_KEY_ID": "a:b"},
                {"UNIONHUB_DATA_KEY_ID": "v1", "UNIONHUB_RETIRED_KEYS":
                 '{"v1": {"data_key": "' + NEW_KEY + '", "blind_index_key": "x"}}'},
                {"UNIONHUB_RETIRED_KEYS": '{"v0": {"data_key": "short", "blind_index_key": "x"}}'},
                {"UNIONHUB_CRYPTO_SUITE": "des"}):
        with pytest.MonkeyPatch.context() as patch:
            for name, value in bad.items():
                patch.setenv(name, value)
            with pytest.raises(ValidationError):
                Settings()
