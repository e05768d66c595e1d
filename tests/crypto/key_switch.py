"""A key rotation's settings for tests: the service (this process) and the CLI moved to a new
current key and suite, the old one retired; `restore_settings` puts the settings back."""

from __future__ import annotations

import json
import os

import pytest

from unionhub.settings import get_settings, reset_settings_cache

NEW_DATA_KEY = "bmV3LWRhdGEta2V5LWZvci1yb3RhdGlvbi10ZXN0cyE="  # base64 of 32 bytes


@pytest.fixture
def restore_settings(monkeypatch):
    yield
    monkeypatch.undo()
    reset_settings_cache()


def _switch_to_a_new_key(monkeypatch) -> dict[str, str]:
    """The service (this process) and the CLI both on a new current key and suite, the old key
    retired; returns the CLI's environment."""
    old = get_settings()
    new_suite = "aes" if old.crypto_suite == "sm" else "sm"  # moving suites is a rotation
    env = {
        "UNIONHUB_DATA_KEY_ID": "r2", "UNIONHUB_DATA_KEY": NEW_DATA_KEY,
        "UNIONHUB_BLIND_INDEX_KEY": "rotation-test-index-key", "UNIONHUB_CRYPTO_SUITE": new_suite,
        "UNIONHUB_RETIRED_KEYS": json.dumps({old.current_key_id: {
            "suite": old.crypto_suite, "data_key": old.data_key,
            "blind_index_key": old.blind_index_key}}),
        "UNIONHUB_KEY_ROTATION_STALE_SECONDS": "60",
        "UNIONHUB_LOGIN_ATTEMPTS_PER_IP": "100000",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    reset_settings_cache()
    return {**os.environ, **env}
