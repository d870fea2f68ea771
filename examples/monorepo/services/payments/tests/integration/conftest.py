"""Fixtures for the payments integration suite: dependencies come from the shared helper."""

import pytest
from integration_mode import require_env


@pytest.fixture
def ledger_url():
    return require_env("PAYMENTS_LEDGER_URL")
