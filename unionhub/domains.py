"""The domains that make up the platform; each is a Tortoise app and a federation subgraph.

Order matters: identity first, since every other domain extends its entities.
"""

from __future__ import annotations

DOMAINS: tuple[str, ...] = ("identity", "mall", "services", "activities")


def models_module(domain: str) -> str:
    return f"unionhub.{domain}.models"


def migrations_module(domain: str) -> str:
    return f"unionhub.{domain}.migrations"
