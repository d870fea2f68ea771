import os as o
from os import environ as env

KEY = "ORDERS_CACHE_URL"


def test_aliases():
    assert env["ORDERS_GRPC_URL"]
    assert env.get("ORDERS_DATABASE_URL")
    assert o.getenv(KEY)
