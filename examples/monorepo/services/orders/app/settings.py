"""Application settings: production code may read its environment (not a suite)."""

import os

DATABASE_URL = os.environ.get("ORDERS_DATABASE_URL", "postgresql://localhost/orders")
GRPC_PORT = int(os.getenv("ORDERS_GRPC_PORT", "50051"))
