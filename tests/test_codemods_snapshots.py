"""Snapshot tests: each codemod turns ``tests/snapshots/<rule>/<case>.before.py`` into
``<case>.after.py`` (cases ending in ``_unsafe`` run with ``--unsafe-fixes``), and a second run
changes nothing. Set LINT_INTEGRATION_UPDATE_SNAPSHOTS=1 to rewrite the ``.after.py`` files
after a deliberate change (then review the diff).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lint_integration.config import find_config, load_config
from lint_integration.discovery import discover
from lint_integration.engine import RuleSelection, RunOptions
from lint_integration.fixer import FixOptions, FixReport, fix_run

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
SUITE_DIR = "services/orders/tests/integration"
UPDATE = os.environ.get("LINT_INTEGRATION_UPDATE_SNAPSHOTS") == "1"

CASES = sorted(
    (rule.name, path.name[: -len(".before.py")])
    for rule in SNAPSHOTS.iterdir()
    if rule.is_dir()
    for path in rule.glob("*.before.py")
)


def fix_file(path: Path, rule: str, unsafe: bool) -> FixReport:
    root = path.parents[len(Path(SUITE_DIR).parts)]
    source = find_config(path)
    config = load_config(source) if source is not None else load_config(None, root)
    files = discover([path], config).files
    selection = RuleSelection(config, [rule])
    options = FixOptions(unsafe=unsafe, run_options=RunOptions(cache=False, jobs=1))
    return fix_run(files, config, selection, [], options)


def suite_file(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / ".git").mkdir(exist_ok=True)
    path = tmp_path / SUITE_DIR / f"test_{name}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("rule", "case"), CASES, ids=[f"{r}/{c}" for r, c in CASES])
def test_snapshot(rule, case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = (SNAPSHOTS / rule / f"{case}.before.py").read_text(encoding="utf-8")
    path = suite_file(tmp_path, case, before)
    unsafe = case.endswith("_unsafe")
    report = fix_file(path, rule, unsafe)
    assert report.errors == []
    after = path.read_text(encoding="utf-8")
    expected = SNAPSHOTS / rule / f"{case}.after.py"
    if UPDATE:
        expected.write_text(after, encoding="utf-8")
    assert after == expected.read_text(encoding="utf-8")
    if after != before:
        assert report.fixed[rule] >= 1

    second = fix_file(path, rule, unsafe)
    assert path.read_text(encoding="utf-8") == after
    assert second.fixed == {}


def test_every_codemod_has_snapshots():
    from lint_integration.codemods import COMMANDS

    covered = {rule for rule, _ in CASES}
    assert covered == set(COMMANDS)
    for rule in covered:
        befores = {p.name[: -len(".before.py")] for p in (SNAPSHOTS / rule).glob("*.before.py")}
        afters = {p.name[: -len(".after.py")] for p in (SNAPSHOTS / rule).glob("*.after.py")}
        assert befores == afters, rule


def test_codemod_runs_under_libcsts_own_runner(tmp_path):
    """The commands are ordinary LibCST codemods: ``python -m libcst.tool codemod`` runs them."""
    source = SNAPSHOTS / "no-skip-on-env" / "decorator_getenv.before.py"
    path = suite_file(tmp_path, "decorator_getenv", source.read_text(encoding="utf-8"))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "libcst.tool",
            "codemod",
            "--no-format",
            "-x",
            "lint_integration.codemods.no_skip_on_env.NoSkipOnEnvCommand",
            str(path),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    expected = SNAPSHOTS / "no-skip-on-env" / "decorator_getenv.after.py"
    assert path.read_text(encoding="utf-8") == expected.read_text(encoding="utf-8")


def test_the_configured_helper_module_is_imported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.lint-integration.helper]\npython-module = "platform_testing.integration_mode"\n'
    )
    source = SNAPSHOTS / "no-skip-on-env" / "decorator_getenv.before.py"
    path = suite_file(tmp_path, "x", source.read_text(encoding="utf-8"))
    fix_file(path, "no-skip-on-env", unsafe=False)
    text = path.read_text()
    assert "from platform_testing.integration_mode import requires_env\n" in text
    assert '@requires_env("ORDERS_DATABASE_URL")' in text
