import os


def live():
    return os.environ.get("INTEGRATION_MODE") == "Cluster"


def env():
    return {"INTEGRATION_MODE": 'REPO'}
