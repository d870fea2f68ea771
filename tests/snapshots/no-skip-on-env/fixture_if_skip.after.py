"""Fixtures for the orders integration suite."""

import pytest
from integration_mode import require_env


@pytest.fixture
def database_url():
    url = require_env("ORDERS_DATABASE_URL")
    return url


@pytest.fixture
def broker():
    # Checked before connecting.
    require_env("ORDERS_BROKER_URL")
    return object()
