import os

import pytest


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get('ORDERS_BROKER_URL') is None,
    reason='broker not configured',
)
@pytest.mark.parametrize("size", [1, 2])
def test_publish(size):
    assert size


@pytest.mark.skipif(not os.getenv("ORDERS_DATABASE_URL") or not os.getenv("ORDERS_GRPC_URL"), reason="x")
def test_two_variables():
    assert True
