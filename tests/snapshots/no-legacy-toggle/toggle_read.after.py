from integration_mode import IntegrationMode, current_mode

USE_LIVE_DB = current_mode() is IntegrationMode.CLUSTER


def database():
    if current_mode() is not IntegrationMode.CLUSTER:
        return "sqlite://"
    return "postgresql://live"
