"""Personal data at rest: the members table, the member cache, the audit log and refresh tokens
hold no plaintext phone, name or ID number; blind indexes find the member (by the domain and a
cadre's search); ciphertexts are bound to their key, purpose and row."""

from __future__ import annotations

import base64
import json

import pytest

from tests.identity.account_flows import CONSENT, ME, VALID_ID, VERIFY, _new_member
from unionhub.db import conn
from unionhub.identity.accounts import id_number_index, phone_index
from unionhub.identity.models import Member


async def test_members_table_holds_no_plaintext_personal_data(gql, factory):
    await factory.tree()
    phone, name = "13812345678", "张三丰"  # a pair of the sandbox's demo table
    token, member_id = await _new_member(gql)
    await gql(VERIFY, {"input": {"name": name, "idNumber": VALID_ID, "consentVersion": CONSENT}}, token=token)
    await gql(ME, token=token)  # fills the member cache

    rows = await conn().execute_query_dict(f"SELECT * FROM members WHERE id = {member_id:d}")
    assert len(rows) == 1
    raw = json.dumps(rows, default=str, ensure_ascii=False)
    for secret in (phone, phone[-8:], name, VALID_ID, VALID_ID[6:14], VALID_ID.lower()):
        assert secret not in raw
    row = rows[0]
    from unionhub.crypto.keyring import keyring

    key_id = keyring().current.id  # every value names the key that made it
    for column in ("phone_enc", "name_enc", "id_number_enc", "phone_bidx", "id_number_bidx"):
        assert row[column].startswith(f"{key_id}:")
    # Neither does the cache: it keeps ciphertexts and masked forms.
    from unionhub.cache import get_redis
    from unionhub.identity import lookup

    cached = await get_redis().get(lookup._KEY.format(member_id))
    assert cached is not None
    cached_text = cached if isinstance(cached, str) else cached.decode()
    for secret in (phone, name, VALID_ID):
        assert secret not in cached_text
    # Nor the audit log or refresh tokens.
    for table in ("audit_log", "refresh_tokens"):
        dump = json.dumps(await conn().execute_query_dict(f"SELECT * FROM {table}"),
                          default=str, ensure_ascii=False)
        for secret in (phone, name, VALID_ID):
            assert secret not in dump


async def test_blind_indexes_find_the_member(gql, factory):
    tree = await factory.tree()
    account = await factory.account(tree.grassroots["A"][0])
    # Domain level: an exact-match lookup with no decryption.
    found = await Member.get(phone_bidx=phone_index(account.phone))
    assert found.id == account.member.id
    found = await Member.get(id_number_bidx=id_number_index(account.id_number))
    assert found.id == account.member.id
    # Through the API: a cadre's member search by phone or ID number.
    cadre = await factory.cadre(tree.counties["A"])
    query = """query S($u: ID!, $s: String!) { members(unionId: $u, search: $s) {
      edges { node { id } } } }"""
    for term in (account.phone, account.id_number, account.id_number.lower()):
        r = await gql(query, {"u": str(tree.counties["A"].id), "s": term}, token=cadre.token)
        assert r.errors == []
        assert [e["node"]["id"] for e in r.data["members"]["edges"]] == [account.id]
    # The index is keyed: a plain SHA-256 of the phone is not what is stored.
    import hashlib

    assert found.phone_bidx != hashlib.sha256(account.phone.encode()).hexdigest()


# --- the encryption itself --------------------------------------------------------------------

@pytest.fixture
def other_keys(monkeypatch):
    """Switch the data and blind-index keys (as the environment would), then restore them."""
    from unionhub.settings import reset_settings_cache

    def switch() -> None:
        monkeypatch.setenv("UNIONHUB_DATA_KEY", base64.b64encode(b"k" * 32).decode())
        monkeypatch.setenv("UNIONHUB_BLIND_INDEX_KEY", "another-blind-index-key")
        reset_settings_cache()

    yield switch
    monkeypatch.undo()
    reset_settings_cache()


def test_ciphertexts_are_bound_to_their_key_purpose_and_row(other_keys):
    from unionhub.crypto.suites import DecryptionFailed as InvalidTag
    from unionhub.identity.crypto import blind_index, decrypt, encrypt

    sealed = encrypt(VALID_ID, "id_number", owner=7)
    assert sealed.startswith(f"{sealed.partition(':')[0]}:r:")  # marked bound
    assert decrypt(sealed, "id_number", owner=7) == VALID_ID
    assert encrypt(VALID_ID, "id_number", owner=7) != sealed  # a fresh nonce every time
    with pytest.raises(InvalidTag):
        decrypt(sealed, "phone", owner=7)  # pasted into another column
    for other in (8, 70, "7/", None):  # into another member's row, or read as unbound
        with pytest.raises(InvalidTag):
            decrypt(sealed, "id_number", owner=other)
    version, _, body = sealed.partition(":")
    with pytest.raises(InvalidTag):  # the mark stripped: its associated data still names row 7
        decrypt(f"{version}:{body.removeprefix('r:')}", "id_number", owner=7)
    raw = bytearray(base64.b64decode(body.removeprefix("r:")))
    raw[-1] ^= 1
    with pytest.raises(InvalidTag):
        decrypt(f"{version}:r:{base64.b64encode(bytes(raw)).decode()}", "id_number", owner=7)
    index = blind_index(VALID_ID, "id_number")
    assert index == blind_index(VALID_ID.lower(), "id_number")
    assert index != blind_index(VALID_ID, "phone")

    other_keys()  # the keys come from the environment
    with pytest.raises(InvalidTag):
        decrypt(sealed, "id_number", owner=7)
    assert blind_index(VALID_ID, "id_number") != index
