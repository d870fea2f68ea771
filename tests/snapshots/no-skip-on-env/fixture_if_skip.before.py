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
def broker():
    # Checked before connecting.
    if not os.getenv("ORDERS_BROKER_URL"):
        pytest.skip("no broker")
    return object()
