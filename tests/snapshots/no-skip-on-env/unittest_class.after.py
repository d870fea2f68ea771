import unittest
from integration_mode import require_env, requires_env


@requires_env("ORDERS_EVENTS_TOPIC")
class OrderEventsTest(unittest.TestCase):
    def test_topic_name(self):
        self.assertTrue(True)


class SetUpTest(unittest.TestCase):
    def setUp(self):
        require_env("ORDERS_GRPC_URL")
        self.ready = True

    def test_ready(self):
        self.assertTrue(self.ready)


class ClassLevelTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_env("ORDERS_BROKER_URL")

    def test_nothing(self):
        pass
