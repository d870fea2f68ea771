"""The project follows the contract it enforces: lint-integration reports nothing on itself."""

from __future__ import annotations

from tests.conftest import REPO, run_cli


def test_project_lints_itself_clean():
    proc = run_cli(["check", "--no-show-source", str(REPO)], cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("All clear:")
