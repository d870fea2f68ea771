from integration_mode import require_env

KEY = "ORDERS_CACHE_URL"


def test_aliases():
    assert require_env("ORDERS_GRPC_URL")
    assert require_env("ORDERS_DATABASE_URL")
    assert require_env(KEY)
