"""The services domain's encrypted columns, for `unionhub keys rotate` (unionhub.crypto.rotation)."""

from __future__ import annotations

from unionhub.crypto.rotation import EncryptedTable
from unionhub.services.models import ServiceRequest
from unionhub.services.personal import (
    DETAILS,
    FIELD_VALUES,
    RATING_COMMENT,
    REJECT_REASON,
    RESOLUTION,
)

# A request's details, form values and rating comment, and the cadres' resolution and reason,
# are bound to the request (services.personal).
ENCRYPTED_TABLES = [EncryptedTable(
    model=ServiceRequest,
    ciphertexts={"details_enc": DETAILS, "field_values_enc": FIELD_VALUES,
                 "rating_comment_enc": RATING_COMMENT, "resolution_enc": RESOLUTION,
                 "reject_reason_enc": REJECT_REASON},
    owner=("id",))]
