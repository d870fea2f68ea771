import os


def live():
    return os.getenv("TEST_MODE") == "cluster"
