import os


def test_publish():
    url = os.getenv("EVENTS_BROKER_URL")
    topic = os.environ["EVENTS_TOPIC"]
    assert url and topic
