from integration_mode import require_env


def test_publish():
    url = require_env("EVENTS_BROKER_URL")
    topic = require_env("EVENTS_TOPIC")
    assert url and topic
