"""The mall's encrypted columns, for `unionhub keys rotate` (unionhub.crypto.rotation)."""

from __future__ import annotations

from unionhub.crypto.rotation import EncryptedTable
from unionhub.mall.models import Order

# An address is bound to its order's unique key (mall.orders.address_owner).
ENCRYPTED_TABLES = [EncryptedTable(model=Order, ciphertexts={"address_enc": "mall_address"},
                                   owner=("member_id", "idempotency_key"))]
