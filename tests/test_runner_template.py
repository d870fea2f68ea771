"""The runner template (``init --runner``): it passes our own rules and works in bash per mode."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from lint_integration.config import Config
from lint_integration.languages import shell
from tests.ci_support import lint

TEMPLATE = Path(__file__).resolve().parent.parent / "lint_integration/templates"
RUNNER = TEMPLATE / "run_integration_tests.sh"


def rendered() -> str:
    """The template as ``init --runner`` writes it (the CLI package imports ``cli_init``)."""
    import lint_integration.cli  # noqa: F401
    from lint_integration.cli_init import render_runner

    return render_runner("tools/integration-runner", ".env.integration")


@pytest.mark.parametrize("where", ["run_integration_tests.sh", "tools/integration-runner/run.sh"])
def test_template_lints_clean_with_every_rule(tmp_path, where):
    assert lint(tmp_path, where, RUNNER.read_text()) == []
    assert lint(tmp_path, where, rendered()) == []


def test_template_parses_the_mode_once_and_rejects_unknown_values(tmp_path):
    analysis = shell.analyze_text(rendered(), Config(root=tmp_path), "run_integration_tests.sh")
    assert analysis.parsed.blanked == ()
    assert len(analysis.mode_reads()) == 1
    assert analysis.validates_mode()
    assert analysis.runner_problem("runner") is None


@pytest.fixture
def run(tmp_path):
    """Run the rendered template in a scratch repo with a stub python that echoes its call."""
    script = tmp_path / "run_integration_tests.sh"
    script.write_text(rendered().replace("  # ORDERS_DATABASE_URL", "  ORDERS_DATABASE_URL"))
    stub = tmp_path / "python-stub"
    stub.write_text('#!/bin/sh\necho "ran mode=$INTEGRATION_MODE args=$*"\n')
    stub.chmod(0o755)
    (tmp_path / ".env.integration").write_text("ORDERS_DATABASE_URL=sqlite:///orders.db\n")

    def go(mode: str, **extra: str) -> subprocess.CompletedProcess:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHON": str(stub), **extra}
        if mode:
            env["INTEGRATION_MODE"] = mode
        return subprocess.run(
            ["bash", str(script), "-x", "tests/integration"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )

    return go


@pytest.mark.parametrize("mode", ["", "repo", "local"])
def test_repo_and_local_run_on_mocks(run, mode):
    done = run(mode)
    assert done.returncode == 0, done.stderr
    expected = mode or "repo"
    assert (
        f"ran mode={expected} args=-m pytest -p integration_mode_plugin -x tests/integration"
        in (done.stdout)
    )


def test_cluster_fails_fast_naming_the_missing_variable(run):
    done = run("cluster")
    assert done.returncode != 0
    assert "INTEGRATION_MODE=cluster requires ORDERS_DATABASE_URL" in done.stderr
    assert "ran" not in done.stdout


def test_cluster_runs_with_the_live_variables(run):
    done = run("cluster", ORDERS_DATABASE_URL="postgresql://orders.live/orders")
    assert done.returncode == 0, done.stderr
    assert "ran mode=cluster" in done.stdout


@pytest.mark.parametrize("mode", ["bogus", "live", "Cluster"])
def test_unknown_modes_are_rejected_with_exit_2(run, mode):
    done = run(mode)
    assert done.returncode == 2
    assert f"invalid INTEGRATION_MODE '{mode}'" in done.stderr
    assert "ran" not in done.stdout
