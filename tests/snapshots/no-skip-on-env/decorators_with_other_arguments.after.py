import pytest
from integration_mode import requires_env


@pytest.mark.slow
@requires_env('ORDERS_BROKER_URL')
@pytest.mark.parametrize("size", [1, 2])
def test_publish(size):
    assert size


@requires_env("ORDERS_DATABASE_URL", "ORDERS_GRPC_URL")
def test_two_variables():
    assert True
