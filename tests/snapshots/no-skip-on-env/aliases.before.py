from os import environ as E
from os import getenv as g

import pytest as pt


@pt.mark.skipif(not g("ORDERS_GRPC_URL"), reason="no grpc")
def test_grpc():
    pass


@pt.mark.skipif("ORDERS_BROKER_URL" not in E, reason="no broker")
def test_broker():
    pass
