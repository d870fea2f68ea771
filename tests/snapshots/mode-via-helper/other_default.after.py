import os

MODE = os.getenv("INTEGRATION_MODE", "cluster")
LIVE = MODE == "cluster"
