import os

import pytest

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif("ORDERS_GRPC_URL" not in os.environ, reason="no grpc"),
]


def test_one():
    pass
