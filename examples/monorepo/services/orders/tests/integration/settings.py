"""Connection settings for the orders integration suite."""

import os

GRPC_URL = os.getenv("ORDERS_GRPC_URL")
