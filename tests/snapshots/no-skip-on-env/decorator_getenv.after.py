"""Orders API suite."""

from integration_mode import requires_env


@requires_env("ORDERS_DATABASE_URL")
def test_create_order():
    assert True
