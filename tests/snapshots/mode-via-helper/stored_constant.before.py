import os

MODE = os.environ.get("INTEGRATION_MODE", "repo")
LIVE = MODE == "cluster"
