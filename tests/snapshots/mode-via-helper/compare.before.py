import os


def client():
    if os.environ.get("INTEGRATION_MODE") == "cluster":
        return "live"
    if "repo" != os.getenv("INTEGRATION_MODE", "repo"):
        return "not repo"
    return "mock"
