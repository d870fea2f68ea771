import os

USE_LIVE = "KUBERNETES_SERVICE_HOST" in os.environ


def client():
    if os.getenv("CI"):
        return "live"
    return "mock"
