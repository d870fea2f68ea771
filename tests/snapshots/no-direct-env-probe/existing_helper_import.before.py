import os

from integration_mode import requires_env


@requires_env("ORDERS_DATABASE_URL")
def test_db():
    # the live URL in cluster mode
    url = os.environ["ORDERS_DATABASE_URL"]
    assert url
