import os


def test_allowed(monkeypatch, tmp_path):
    home = os.environ["HOME"]
    current = os.getenv("PYTEST_CURRENT_TEST")
    os.environ["ORDERS_FLAG"] = "1"
    monkeypatch.setenv("ORDERS_DATABASE_URL", "sqlite://")
    assert home and current


def test_membership():
    assert "ORDERS_GRPC_URL" in os.environ
