import pytest
from integration_mode import requires_env

pytestmark = [
    pytest.mark.integration,
    requires_env("ORDERS_GRPC_URL"),
]


def test_one():
    pass
