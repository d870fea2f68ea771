"""Orders API suite."""

import os

import pytest


@pytest.mark.skipif(not os.getenv("ORDERS_DATABASE_URL"), reason="no database")
def test_create_order():
    assert True
