import os

import pytest

pytestmark = pytest.mark.skipif(not os.getenv("ORDERS_DATABASE_URL"), reason="no db")


def test_one():
    pass
