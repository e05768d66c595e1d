"""Descriptions of the identity enums' values (issue 24, point 5), kept out of
identity_types.py for its length; imported by the identity subgraph (schema/identity.py)."""

from __future__ import annotations

from unionhub.schema.docs import describe_values
from unionhub.schema.identity_types import (
    CardStatusEnum,
    ReviewStatusEnum,
    TierEnum,
    TransferDirection,
    UnionLevelEnum,
)

describe_values(
    TierEnum, GUEST="Anyone, signed in or not.", MEMBER="A signed-in account.",
    VERIFIED="A member whose real name is verified and whose card is ACTIVE.",
    CADRE="A cadre: acts on the unions in the subtree of their union (their scope).",
    OPERATOR="Platform operations staff (and admins).", ADMIN="Platform administrators.")
describe_values(
    UnionLevelEnum, NATIONAL="The national federation (the root).",
    PROVINCE="A provincial federation.", CITY="A city (prefecture) federation.",
    COUNTY="A county (district) federation.",
    GRASSROOTS="A workplace union: the only level members join.")
describe_values(
    CardStatusEnum, ACTIVE="In use: finds the member and counts for the VERIFIED tier.",
    FROZEN="Frozen by a cadre: still finds the member, who drops to the MEMBER tier.",
    LOST="Reported lost: finds no one; a new card may be issued.",
    CANCELLED="Ended with the membership or the account.")
describe_values(ReviewStatusEnum, PENDING="Waiting for a cadre's review.",
                APPROVED="Approved (final).", REJECTED="Rejected with a reason (final).")
describe_values(TransferDirection, IN="Into the subtree: those its cadres review.",
                OUT="Out of the subtree.")
