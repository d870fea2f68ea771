"""End to end: ``init`` + ``fix`` on a copy of examples/monorepo, then its suites under pytest.

The contract after the migration: no test is skipped for a missing variable; in cluster mode a
missing variable fails the tests that need it, naming it; in repo mode the mock default from
``.env.integration`` is used even when a live value is set.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli

EXAMPLE = REPO / "examples" / "monorepo"
SERVICES = ("orders", "payments")

# A probe added to the copy: reports the value its test sees, written the old way.
PROBE = '''"""Reports the database URL the suite sees."""

import os

import pytest


@pytest.mark.skipif(not os.getenv("ORDERS_DATABASE_URL"), reason="no database")
def test_reports_database_url():
    url = os.environ["ORDERS_DATABASE_URL"]
    print(f"DATABASE_URL={url}")
'''

LIVE = {
    "ORDERS_GRPC_URL": "dns:///orders.live:443",
    "ORDERS_DATABASE_URL": "postgresql://orders.live/orders",
    "ORDERS_BROKER_URL": "kafka.live:9092",
    "ORDERS_EVENTS_TOPIC": "orders.events",
    "PAYMENTS_DATABASE_URL": "postgresql://payments.live/payments",
    "PAYMENTS_LEDGER_URL": "https://ledger.live",
}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("e2e") / "monorepo"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".lint-integration-cache"))
    (root / ".git").mkdir()
    # The example ships the helper; remove it so that `init` really writes it here.
    for name in ("integration_mode.py", "integration_mode_plugin.py"):
        (root / "tools" / "integration-runner" / name).unlink()
    probe = root / "services/orders/tests/integration/test_database_probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    before = snapshot(root)
    init = run_cli(["init"], cwd=root)
    fixed = run_cli(["fix", "--unsafe-fixes", "--no-cache", "services"], cwd=root)
    after = snapshot(root)
    again = run_cli(["fix", "--unsafe-fixes", "--no-cache", "services"], cwd=root)
    return {
        "after_again": snapshot(root),
        "root": root,
        "init": init,
        "fix": fixed,
        "again": again,
        "before": before,
        "after": after,
    }


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not {".lint-integration-cache", ".git", "__pycache__"} & set(p.parts)
    }


def run_pytest(root: Path, service: str, env: dict[str, str], name: str) -> dict:
    """Run one service's suite; returns {test name: (outcome, message)} and the output."""
    report = root.parent / f"{name}-{service}.xml"
    environ = {"PATH": os.environ["PATH"], **env}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:hypothesispytest",
            "-p",
            "no:cacheprovider",
            "-rA",
            "-s",
            f"--junitxml={report}",
            f"services/{service}/tests",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
    )
    outcomes: dict[str, tuple[str, str]] = {}
    if report.is_file():
        for case in ET.parse(report).getroot().iter("testcase"):
            outcome, message = "passed", ""
            for kind in ("failure", "error", "skipped"):
                element = case.find(kind)
                if element is not None:
                    outcome = {"failure": "failed"}.get(kind, kind)
                    message = (element.get("message") or "") + (element.text or "")
            outcomes[case.get("name")] = (outcome, message)
    return {
        "outcomes": outcomes,
        "stdout": done.stdout,
        "stderr": done.stderr,
        "rc": done.returncode,
    }


def test_init_and_fix_succeed(migrated):
    init, fixed = migrated["init"], migrated["fix"]
    assert init.returncode == 0, init.stdout + init.stderr
    assert "Wrote: tools/integration-runner/integration_mode.py" in init.stdout
    assert "Kept: .env.integration" in init.stdout
    assert fixed.returncode in (0, 1), fixed.stdout + fixed.stderr
    assert "Fixed " in fixed.stdout
    assert "lint-integration: error" not in fixed.stderr


def test_fix_rewrote_the_suites_to_the_helper(migrated):
    root = migrated["root"]
    suite = root / "services/orders/tests/integration"
    for name in ("conftest.py", "test_orders_api.py", "test_order_events.py", "markers.py"):
        text = (suite / name).read_text()
        assert "skipif" not in text and "skipUnless" not in text and "pytest.skip(" not in text
        assert "integration_mode import" in text, name
    assert "RUN_INTEGRATION_TESTS" not in (suite / "test_orders_api.py").read_text()
    # Production code outside the suites is not touched.
    app = "services/orders/app/settings.py"
    assert migrated["after"][app] == migrated["before"][app]
    # The already-migrated service is not touched either.
    for path, data in migrated["before"].items():
        if path.startswith("services/payments/"):
            assert migrated["after"][path] == data, path


def test_a_second_fix_changes_nothing(migrated):
    again = migrated["again"]
    assert migrated["after_again"] == migrated["after"]
    assert "Fixed " not in again.stdout, again.stdout


def test_the_fixed_suites_pass_check_for_the_suite_rules(migrated):
    done = run_cli(
        ["check", "--no-cache", "--select", "LI001,LI002,LI003,LI004", "services/orders"],
        cwd=migrated["root"],
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("service", SERVICES)
def test_repo_mode_uses_mocks_and_skips_nothing(migrated, service):
    # A live value in the environment must not leak into repo mode.
    env = {"INTEGRATION_MODE": "repo", "ORDERS_DATABASE_URL": "postgresql://should-not-be-used"}
    run = run_pytest(migrated["root"], service, env, "repo")
    assert run["rc"] == 0, run["stdout"] + run["stderr"]
    outcomes = run["outcomes"]
    assert outcomes and all(o == "passed" for o, _ in outcomes.values()), outcomes
    assert "cluster-only test" in run["stdout"] and "deselected" in run["stdout"]
    if service == "orders":
        assert "DATABASE_URL=sqlite:///orders-integration.db" in run["stdout"]
        assert "should-not-be-used" not in run["stdout"]


@pytest.mark.parametrize("service", SERVICES)
def test_cluster_mode_with_everything_set_runs_every_test(migrated, service):
    run = run_pytest(migrated["root"], service, {"INTEGRATION_MODE": "cluster", **LIVE}, "live")
    assert run["rc"] == 0, run["stdout"] + run["stderr"]
    outcomes = run["outcomes"]
    assert all(o == "passed" for o, _ in outcomes.values()), outcomes
    assert "deselected" not in run["stdout"]
    if service == "orders":
        assert "DATABASE_URL=postgresql://orders.live/orders" in run["stdout"]
        assert "test_inventory_reserved" in outcomes  # cluster-only tests run in cluster mode


def test_cluster_mode_fails_the_tests_that_need_a_missing_variable(migrated):
    env = {k: v for k, v in LIVE.items() if k != "ORDERS_DATABASE_URL"}
    run = run_pytest(migrated["root"], "orders", {"INTEGRATION_MODE": "cluster", **env}, "miss")
    outcomes = run["outcomes"]
    assert run["rc"] == 1, run["stdout"] + run["stderr"]
    assert not [n for n, (o, _) in outcomes.items() if o == "skipped"], outcomes
    failing = {n: m for n, (o, m) in outcomes.items() if o in ("failed", "error")}
    assert set(failing) == {"test_order_persisted", "test_reports_database_url"}, outcomes
    for message in failing.values():
        assert "ORDERS_DATABASE_URL is not set" in message
    assert all(o == "passed" for n, (o, _) in outcomes.items() if n not in failing)
