import os
import unittest

import pytest
from integration_mode import require_env


class EdgesTest(unittest.TestCase):
    def setUp(self):
        self.client = object()
        # Needs the live search index.
        require_env("SEARCH_URL")

    def test_x(self):
        pass


@pytest.fixture
def only_statement():
    require_env("CACHE_URL")


def test_orelse():
    if os.getenv("QUEUE_URL"):
        queue = os.getenv("QUEUE_URL")
    else:
        pytest.skip("no queue")
    assert queue


@pytest.fixture
def last_with_comment():
    value = require_env("LEDGER_URL")
    # the ledger must be reachable
