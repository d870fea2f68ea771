import os
import sys

import pytest


@pytest.mark.skipif(not os.getenv("ORDERS_DATABASE_URL") or sys.platform == "win32", reason="x")
def test_mixed_condition():
    pass


@pytest.mark.skipif(os.getenv("ORDERS_REGION") == "eu", reason="not in eu")
def test_value_comparison():
    pass
