import os

import pytest


# The ledger is only reachable from the cluster.
# Keep this test close to the ledger client.
@pytest.mark.skipif(not os.getenv("PAYMENTS_LEDGER_URL"), reason="no ledger")  # skip locally
def test_ledger_entry():
    # the entry is written synchronously
    assert True  # trailing comment stays


def test_other():
    pass  # untouched
