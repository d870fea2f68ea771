import os

import pytest


class TestOrders:
    @pytest.mark.skipif(not os.getenv("ORDERS_DATABASE_URL"), reason="no db")
    def test_persisted(self):
        assert True

    class TestInner:
        @pytest.mark.skipif(not os.getenv("ORDERS_CACHE_URL"), reason="no cache")
        def test_cached(self):
            assert True


def test_with_helper():
    def check():
        if not os.getenv("ORDERS_GRPC_URL"):
            pytest.skip("no grpc")
        return True

    assert check()
