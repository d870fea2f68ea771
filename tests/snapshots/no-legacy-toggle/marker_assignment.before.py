"""Markers shared by the orders integration suite."""

import os

import pytest

live_only = pytest.mark.skipif(
    os.environ.get("ORDERS_INTEGRATION_USE_LIVE_DB") != "true",
    reason="needs the live orders database",
)
