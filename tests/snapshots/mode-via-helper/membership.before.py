import os


def mocked():
    return os.environ["INTEGRATION_MODE"] in ("repo", "local")
