from integration_mode import IntegrationMode, current_mode


def mocked():
    return current_mode() in (IntegrationMode.REPO, IntegrationMode.LOCAL)
