from integration_mode import require_env, requires_env


@requires_env("ORDERS_DATABASE_URL")
def test_db():
    # the live URL in cluster mode
    url = require_env("ORDERS_DATABASE_URL")
    assert url
