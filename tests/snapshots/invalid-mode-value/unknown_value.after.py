import os


def live():
    return os.environ.get("INTEGRATION_MODE") == "live"
