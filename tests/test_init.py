"""``lint-integration init``: the helper, plugin, mock defaults and runner it writes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import lint_integration.cli  # noqa: F401 (first: it registers the init command)
from lint_integration import cli_init
from tests.conftest import run_cli

TEMPLATES = Path(__file__).resolve().parent.parent / "lint_integration" / "templates"
HELPER = "tools/integration-runner/integration_mode.py"
PLUGIN = "tools/integration-runner/integration_mode_plugin.py"
QUIET_PYTEST = ["-p", "no:hypothesispytest", "-p", "no:cacheprovider"]


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_writes_the_helper_plugin_and_mock_defaults(repo, cli):
    result = cli(["init"])
    assert result.exit_code == 0, result.output
    assert (repo / HELPER).read_text() == (TEMPLATES / "integration_mode.py").read_text()
    assert (repo / PLUGIN).read_text() == (TEMPLATES / "integration_mode_plugin.py").read_text()
    assert (repo / ".env.integration").read_text() == (TEMPLATES / ".env.integration").read_text()
    out = result.output
    assert f"Wrote: {HELPER} (the shared helper)" in out
    assert "[tool.lint-integration.helper]" in out
    assert 'python-module = "integration_mode"' in out
    assert f'path = "{HELPER}"' in out
    assert 'env-file = ".env.integration"' in out
    assert 'pythonpath = ["tools/integration-runner"]' in out
    assert 'addopts = "-p integration_mode_plugin"' in out
    assert 'pytest_plugins = ["integration_mode_plugin"]' in out
    assert stat.S_IMODE((repo / HELPER).stat().st_mode) & 0o644 == 0o644
    assert not list(repo.rglob("*.li-tmp"))


def test_a_second_run_is_up_to_date(repo, cli):
    cli(["init"])
    result = cli(["init"])
    assert result.exit_code == 0
    assert f"Up to date: {HELPER}" in result.output
    assert "Wrote:" not in result.output


def test_never_overwrites_without_force(repo, cli):
    (repo / HELPER).parent.mkdir(parents=True)
    (repo / HELPER).write_text("# our own helper\n")
    result = cli(["init"])
    assert result.exit_code == 1
    assert (repo / HELPER).read_text() == "# our own helper\n"
    assert f"Kept: {HELPER} exists with other content; --force overwrites it" in result.output
    assert (repo / PLUGIN).is_file()  # the files that did not exist are still written

    forced = cli(["init", "--force"])
    assert forced.exit_code == 0
    assert f"Overwrote: {HELPER}" in forced.output
    assert (repo / HELPER).read_text() == (TEMPLATES / "integration_mode.py").read_text()


def test_the_mock_defaults_are_never_overwritten(repo, cli):
    (repo / ".env.integration").write_text("ORDERS_DB=sqlite:///mock.db\n")
    for args in (["init"], ["init", "--force"]):
        result = cli(args)
        assert result.exit_code == 0
        assert "Kept: .env.integration (existing mock defaults, never overwritten)" in result.output
    assert (repo / ".env.integration").read_text() == "ORDERS_DB=sqlite:///mock.db\n"


def test_helper_path_option_names_the_module_after_the_file(repo, cli):
    result = cli(["init", "--helper-path", "testing/mode_helper.py"])
    assert result.exit_code == 0, result.output
    plugin = (repo / "testing" / "integration_mode_plugin.py").read_text()
    assert "import mode_helper as integration_mode\n" in plugin
    assert 'python-module = "mode_helper"' in result.output
    assert 'pythonpath = ["testing"]' in result.output


def test_configured_package_module_and_env_file(repo, cli):
    (repo / "pyproject.toml").write_text(
        "[tool.lint-integration.helper]\n"
        'python-module = "platform_testing.integration_mode"\n'
        'path = "libs/platform_testing/integration_mode.py"\n'
        'env-file = "config/integration.env"\n'
    )
    result = cli(["init"])
    assert result.exit_code == 0, result.output
    helper = (repo / "libs/platform_testing/integration_mode.py").read_text()
    assert "ENV_FILE_NAME = 'config/integration.env'\n" in helper
    plugin = (repo / "libs/platform_testing/integration_mode_plugin.py").read_text()
    assert "import platform_testing.integration_mode as integration_mode\n" in plugin
    assert (repo / "config/integration.env").is_file()
    assert 'pythonpath = ["libs"]' in result.output
    assert 'addopts = "-p platform_testing.integration_mode_plugin"' in result.output

    # The scaffold works as printed: a package helper and a mock file in a subdirectory.
    (repo / "libs/platform_testing/__init__.py").write_text("")
    (repo / "config/integration.env").write_text("ORDERS_DB=sqlite:///mock.db\n")
    suite = repo / "services" / "orders" / "tests"
    suite.mkdir(parents=True)
    (suite / "test_orders.py").write_text(
        "from platform_testing.integration_mode import cluster_only, require_env\n\n"
        "def test_db():\n    assert require_env('ORDERS_DB') == 'sqlite:///mock.db'\n\n"
        "@cluster_only\ndef test_live():\n    pass\n"
    )
    done = pytest_run(repo, "-p", "platform_testing.integration_mode_plugin", str(suite))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "integration mode repo: 1 cluster-only test deselected" in done.stdout


def test_a_lint_integration_toml_gets_its_own_table_name(repo, cli):
    (repo / "lint-integration.toml").write_text('select = ["ALL"]\n')
    result = cli(["init"])
    assert "[helper]\n" in result.output
    assert "[tool.lint-integration.helper]" not in result.output


def test_the_helper_must_be_a_python_file(repo, cli):
    result = cli(["init", "--helper-path", "tools/helper.sh"])
    assert result.exit_code == 2
    assert "the helper must be a .py file" in result.output
    assert not (repo / "tools").exists()


def test_a_write_failure_is_exit_2(repo, cli, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cli_init, "create", denied)
    result = cli(["init"])
    assert result.exit_code == 2
    assert f"{HELPER}: cannot write: Permission denied" in result.output


def test_create_never_clobbers_a_file_that_appears(tmp_path):
    path = tmp_path / "x.py"
    path.write_text("theirs\n")
    with pytest.raises(FileExistsError):
        cli_init.create(path, b"ours\n", 0o644, replace=False)
    assert path.read_text() == "theirs\n"
    assert list(tmp_path.iterdir()) == [path]


# -- the runner template ----------------------------------------------------------------------


def test_runner_is_written_beside_the_helper(repo, cli):
    result = cli(["init", "--runner"])
    assert result.exit_code == 0, result.output
    runner = repo / "tools/integration-runner/run_integration_tests.sh"
    assert stat.S_IMODE(runner.stat().st_mode) & 0o755 == 0o755
    text = runner.read_text()
    assert 'helper_dir="$repo_root/tools/integration-runner"' in text
    assert "$repo_root/.env.integration" in text
    assert "@HELPER_DIR@" not in text and "@ENV_FILE@" not in text


def test_runner_at_a_chosen_path(repo, cli):
    result = cli(["init", "--runner", "services/orders/run_integration_tests.sh"])
    assert result.exit_code == 0, result.output
    assert (repo / "services/orders/run_integration_tests.sh").is_file()


@pytest.fixture
def runner(repo, cli, tmp_path):
    cli(["init", "--runner"])
    (repo / ".env.integration").unlink()
    script = repo / "tools/integration-runner/run_integration_tests.sh"
    text = script.read_text().replace("  # ORDERS_DATABASE_URL\n", "  ORDERS_DATABASE_URL\n")
    script.write_text(text)
    fake_python = tmp_path / "fake-python"
    fake_python.write_text('#!/bin/sh\necho "pytest args: $*"\n')
    fake_python.chmod(0o755)

    def run(mode: str | None, **env: str):
        environ = {"PATH": os.environ["PATH"], "PYTHON": str(fake_python), **env}
        if mode is not None:
            environ["INTEGRATION_MODE"] = mode
        return subprocess.run(
            ["bash", str(script), "-x", "tests"],
            cwd=repo,
            capture_output=True,
            text=True,
            env=environ,
            timeout=30,
        )

    return run


@pytest.mark.parametrize("mode", ["live", "Cluster", "mock"])
def test_runner_rejects_an_invalid_mode(runner, mode):
    done = runner(mode)
    assert done.returncode == 2
    assert f"invalid INTEGRATION_MODE '{mode}' (expected repo, local or cluster)" in done.stderr


def test_runner_fails_fast_in_cluster_mode_naming_the_variable(runner):
    done = runner("cluster")
    assert done.returncode != 0
    assert "INTEGRATION_MODE=cluster requires ORDERS_DATABASE_URL" in done.stderr
    assert "pytest args" not in done.stdout


def test_runner_runs_pytest_in_cluster_mode_with_the_live_vars(runner):
    done = runner("cluster", ORDERS_DATABASE_URL="postgresql://live")
    assert done.returncode == 0, done.stderr
    assert "integration mode: cluster" in done.stdout
    assert "pytest args: -m pytest -p integration_mode_plugin -x tests" in done.stdout


@pytest.mark.parametrize("mode", [None, "", "repo", "local"])
def test_runner_wires_mocks_in_repo_and_local_mode(runner, repo, mode):
    missing = runner(mode)
    assert missing.returncode == 1
    assert "needs the mock defaults file" in missing.stderr
    (repo / ".env.integration").write_text("ORDERS_DATABASE_URL=sqlite://\n")
    done = runner(mode)
    assert done.returncode == 0, done.stderr
    assert f"integration mode: {mode or 'repo'}" in done.stdout


def test_init_through_a_real_subprocess(repo):
    done = run_cli(["init", "--runner"], cwd=repo)
    assert done.returncode == 0, done.stderr
    assert (repo / HELPER).is_file()
    assert (repo / "tools/integration-runner/run_integration_tests.sh").is_file()


def pytest_run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    pythonpath = str(cwd / "libs") if (cwd / "libs").is_dir() else str(cwd / Path(HELPER).parent)
    return subprocess.run(
        [sys.executable, "-m", "pytest", *QUIET_PYTEST, "-q", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": pythonpath},
        timeout=60,
    )


def test_example_monorepo_ships_the_current_helper_and_plugin():
    """The example's helper is what `init` writes today, so the example shows the real thing."""
    from tests.conftest import REPO

    templates = REPO / "lint_integration" / "templates"
    runner_dir = REPO / "examples" / "monorepo" / "tools" / "integration-runner"
    for name in ("integration_mode.py", "integration_mode_plugin.py"):
        assert (runner_dir / name).read_text() == (templates / name).read_text(), name
