from integration_mode import require_env


def test_payment_callback():
    broker = require_env("ORDERS_BROKER_URL")  # local fallback
    assert ":" in broker
