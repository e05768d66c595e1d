"""Identity's encrypted columns, for `unionhub keys rotate` (unionhub.crypto.rotation)."""

from __future__ import annotations

import asyncio

from unionhub.crypto.rotation import EncryptedTable
from unionhub.identity.lookup import invalidate_member
from unionhub.identity.models import Member


async def _drop_cached(member_ids: list[int]) -> None:
    # Cached records hold the old ciphertexts: readable while the old key is retired-but-live,
    # dropped here so none outlives the key once it is removed from the settings. A few at a
    # time: a batch of a thousand at once would open as many Redis connections.
    for start in range(0, len(member_ids), 32):
        await asyncio.gather(*(invalidate_member(i) for i in member_ids[start:start + 32]))


ENCRYPTED_TABLES = [
    EncryptedTable(
        model=Member,
        ciphertexts={"phone_enc": "phone", "name_enc": "name", "id_number_enc": "id_number"},
        blind_indexes={"phone_bidx": ("phone_enc", "phone"),
                       "id_number_bidx": ("id_number_enc", "id_number")},
        after_batch=_drop_cached,
        owner=("id",),  # a member's personal data is bound to the member (identity.crypto)
    ),
]
