"""Fixtures for the orders integration suite."""

import os

import pytest


@pytest.fixture
def database_url():
    url = os.environ.get("ORDERS_DATABASE_URL")
    if not url:
        pytest.skip("ORDERS_DATABASE_URL is not set")
    return url


@pytest.fixture
def log_level():
    # Allowed by the repo's config: not a dependency.
    return os.environ.get("ORDERS_LOG_LEVEL", "INFO")
