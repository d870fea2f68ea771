from integration_mode import requires_env

pytestmark = requires_env("ORDERS_DATABASE_URL")


def test_one():
    pass
