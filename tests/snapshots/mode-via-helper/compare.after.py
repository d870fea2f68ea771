from integration_mode import IntegrationMode, current_mode


def client():
    if current_mode() is IntegrationMode.CLUSTER:
        return "live"
    if current_mode() is not IntegrationMode.REPO:
        return "not repo"
    return "mock"
