"""Cryptographic suites and the key ring for personal data at rest (issue 17, points 2-3).

`suites` holds the algorithms (AES-256-GCM + HMAC-SHA-256, or SM4-GCM + HMAC-SM3), `keyring` the
keys by id from the settings. `unionhub.identity.crypto` is what the domains call.
"""
