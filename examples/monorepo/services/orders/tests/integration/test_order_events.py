"""Event publishing against the orders broker."""

import os
import unittest

from .markers import live_only


@live_only
def test_events_published():
    assert True


@unittest.skipUnless(os.getenv("ORDERS_EVENTS_TOPIC"), "events topic not configured")
class OrderEventsTest(unittest.TestCase):
    def test_topic_name(self):
        topic = os.getenv("ORDERS_EVENTS_TOPIC")
        self.assertTrue(topic)
