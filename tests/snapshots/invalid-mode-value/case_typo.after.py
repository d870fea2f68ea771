import os


def live():
    return os.environ.get("INTEGRATION_MODE") == "cluster"


def env():
    return {"INTEGRATION_MODE": 'repo'}
