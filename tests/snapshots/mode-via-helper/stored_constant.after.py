from integration_mode import current_mode

MODE = current_mode()
LIVE = MODE == "cluster"
