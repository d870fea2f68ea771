"""Shared test helpers: run the CLI in-process and through a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Hypothesis: a bounded, fast run by default; LINT_INTEGRATION_HYPOTHESIS_PROFILE=long for many
# more examples (no test needs the variable, and none is skipped without it).
_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile(
    "default", max_examples=30, deadline=None, suppress_health_check=_SLOW_IS_FINE
)
settings.register_profile(
    "long", max_examples=1000, deadline=None, suppress_health_check=_SLOW_IS_FINE
)
settings.load_profile(os.environ.get("LINT_INTEGRATION_HYPOTHESIS_PROFILE", "default"))


def run_cli(args: list[str], cwd: Path | None = None, input: str | None = None):
    """Run ``python -m lint_integration ARGS`` in a subprocess; returns CompletedProcess."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRATION_MODE")}
    return subprocess.run(
        [sys.executable, "-m", "lint_integration", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        input=input,
        env=env,
        timeout=120,
    )


def refuse_listing(monkeypatch, ending: str) -> None:
    """Make listing any directory whose path ends in ``ending`` fail as a permission error
    would (forked workers inherit it)."""
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path).endswith(ending):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


@pytest.fixture
def cli():
    """Invoke the click app in-process (fast path for most CLI tests)."""
    from lint_integration.cli import main

    runner = CliRunner()

    def invoke(args: list[str]):
        return runner.invoke(main, args, catch_exceptions=False)

    return invoke


@pytest.fixture
def write(tmp_path: Path):
    """Write files under tmp_path: write({"a/b.py": "text"}) -> tmp_path."""

    def _write(files: dict[str, str | bytes]) -> Path:
        for rel, content in files.items():
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return tmp_path

    return _write
