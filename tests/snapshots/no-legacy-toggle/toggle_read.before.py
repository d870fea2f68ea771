import os

USE_LIVE_DB = os.getenv("PAYMENTS_USE_LIVE_DB") == "true"


def database():
    if not os.environ.get("RUN_LIVE_TESTS"):
        return "sqlite://"
    return "postgresql://live"
