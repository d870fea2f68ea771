import os


def test_payment_callback():
    broker = os.environ.get("ORDERS_BROKER_URL", "localhost:9092")  # local fallback
    assert ":" in broker
