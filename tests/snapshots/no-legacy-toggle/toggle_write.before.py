import os


def test_sets_toggle():
    os.environ["RUN_INTEGRATION_TESTS"] = "1"
