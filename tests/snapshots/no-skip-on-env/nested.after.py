import os

import pytest
from integration_mode import requires_env


class TestOrders:
    @requires_env("ORDERS_DATABASE_URL")
    def test_persisted(self):
        assert True

    class TestInner:
        @requires_env("ORDERS_CACHE_URL")
        def test_cached(self):
            assert True


def test_with_helper():
    def check():
        if not os.getenv("ORDERS_GRPC_URL"):
            pytest.skip("no grpc")
        return True

    assert check()
