from integration_mode import requires_env


@requires_env("ORDERS_GRPC_URL")
def test_grpc():
    pass


@requires_env("ORDERS_BROKER_URL")
def test_broker():
    pass
