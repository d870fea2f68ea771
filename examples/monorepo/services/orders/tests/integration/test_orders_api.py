"""Integration tests for the orders API."""

import os

import pytest

from .markers import live_only
from .settings import GRPC_URL


@pytest.mark.skipif(not GRPC_URL, reason="orders gRPC endpoint not configured")
def test_create_order_roundtrip():
    assert GRPC_URL.startswith(("grpc://", "dns:///"))


def test_order_persisted(database_url):
    assert database_url


@live_only
def test_inventory_reserved():
    assert True


def test_payment_callback():
    broker = os.environ.get("ORDERS_BROKER_URL", "localhost:9092")
    assert ":" in broker


def test_refund_flow():
    if os.environ.get("RUN_INTEGRATION_TESTS") != "1":
        pytest.skip("live refund flow only runs with RUN_INTEGRATION_TESTS=1")
    assert True
