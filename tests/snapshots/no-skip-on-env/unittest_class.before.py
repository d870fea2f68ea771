import os
import unittest


@unittest.skipUnless(os.environ.get("ORDERS_EVENTS_TOPIC"), "events topic not configured")
class OrderEventsTest(unittest.TestCase):
    def test_topic_name(self):
        self.assertTrue(True)


class SetUpTest(unittest.TestCase):
    def setUp(self):
        if not os.environ.get("ORDERS_GRPC_URL"):
            self.skipTest("no gRPC endpoint")
        self.ready = True

    def test_ready(self):
        self.assertTrue(self.ready)


class ClassLevelTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if "ORDERS_BROKER_URL" not in os.environ:
            raise unittest.SkipTest("no broker")

    def test_nothing(self):
        pass
