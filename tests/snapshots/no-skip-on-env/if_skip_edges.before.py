import os
import unittest

import pytest


class EdgesTest(unittest.TestCase):
    def setUp(self):
        self.client = object()
        # Needs the live search index.
        if not os.getenv("SEARCH_URL"):
            self.skipTest("no search")

    def test_x(self):
        pass


@pytest.fixture
def only_statement():
    if not os.getenv("CACHE_URL"):
        pytest.skip("no cache")


def test_orelse():
    if os.getenv("QUEUE_URL"):
        queue = os.getenv("QUEUE_URL")
    else:
        pytest.skip("no queue")
    assert queue


@pytest.fixture
def last_with_comment():
    value = os.environ.get("LEDGER_URL")
    # the ledger must be reachable
    if not value:
        pytest.skip("no ledger")
