"""pytest plugin for the integration-mode contract (enable with ``-p integration_mode_plugin``).

- Validates ``INTEGRATION_MODE`` at startup (an unknown value stops the run) and reports the
  mode in the session header.
- Deselects ``cluster_only`` tests in repo/local mode and says how many, so nothing is skipped
  silently: ``integration mode repo: 3 cluster-only tests deselected``.
- Enforces ``requires_env(...)`` marks: each variable is resolved with ``require_env`` when the
  test runs, and a missing live value or mock default fails the test (it is never skipped).
"""

from __future__ import annotations

import integration_mode
import pytest

_DESELECTED = pytest.StashKey[int]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "requires_env(*names): the test needs these variables: the live value in cluster mode, "
        "the mock default from .env.integration in repo/local mode; fails when missing",
    )
    config.addinivalue_line(
        "markers", "cluster_only: a live-only test, deselected (and counted) in repo/local mode"
    )
    try:
        integration_mode.current_mode()
    except integration_mode.IntegrationModeError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_report_header(config: pytest.Config) -> str:
    mode = integration_mode.current_mode()
    if mode is integration_mode.IntegrationMode.CLUSTER:
        return "integration mode: cluster (live dependencies, no mocks)"
    try:
        where = f"mock defaults from {integration_mode.env_file()}"
    except integration_mode.IntegrationEnvError:
        where = f"mock defaults file {integration_mode.ENV_FILE_NAME} not found"
    return f"integration mode: {mode.value} ({where})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    mode = integration_mode.current_mode()
    if mode is integration_mode.IntegrationMode.CLUSTER:
        return
    kept: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        (deselected if item.get_closest_marker("cluster_only") else kept).append(item)
    config.stash[_DESELECTED] = len(deselected)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_report_collectionfinish(config: pytest.Config) -> str | None:
    count = config.stash.get(_DESELECTED, 0)
    if not count:
        return None
    mode = integration_mode.current_mode().value
    tests = "test" if count == 1 else "tests"
    return f"integration mode {mode}: {count} cluster-only {tests} deselected"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    problems: list[str] = []
    for mark in item.iter_markers("requires_env"):
        for name in mark.args:
            try:
                integration_mode.require_env(name)
            except integration_mode.IntegrationEnvError as exc:
                problems.append(str(exc))
    if problems:
        pytest.fail("\n".join(dict.fromkeys(problems)), pytrace=False)
