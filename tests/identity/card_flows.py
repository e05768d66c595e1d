"""Card documents, for the card lifecycle and self-review tests."""

from __future__ import annotations

FREEZE = """mutation F($input: FreezeCardInput!) { freezeCard(input: $input) {
  card { number status } errors { code field } } }"""
UNFREEZE = """mutation U($input: UnfreezeCardInput!) { unfreezeCard(input: $input) {
  card { number status } errors { code field } } }"""
