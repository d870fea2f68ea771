from integration_mode import IntegrationMode, current_mode


def live():
    return current_mode() is IntegrationMode.CLUSTER
