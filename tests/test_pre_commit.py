"""The pre-commit hooks, for real: ``pre-commit try-repo`` installs this checkout into its own
environment and runs the hooks on a throwaway git repository with a staged violation."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent

# What pip needs to build and install the package (the working tree as it is, committed or not).
PACKAGE_PARTS = (
    "pyproject.toml",
    "README.md",
    "LICENSE",
    ".pre-commit-hooks.yaml",
    "lint_integration",
    "rules",
    "codemods",
)

VIOLATION = """\
import os

import pytest


@pytest.mark.skipif(not os.getenv("ORDERS_DATABASE_URL"), reason="no database")
def test_create_order():
    assert True
"""


def _git_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.com",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.com",
        GIT_CONFIG_GLOBAL=str(home / "gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        PRE_COMMIT_COLOR="never",
        PRE_COMMIT_HOME=str(home / "pre-commit-home"),
    )
    env.pop("INTEGRATION_MODE", None)
    (home / "gitconfig").write_text("[init]\n\tdefaultBranch = main\n", encoding="utf-8")
    return env


def _git(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _snapshot(dest: Path, env: dict[str, str]) -> Path:
    """A git repository holding this checkout's working tree (uncommitted edits included)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    dest.mkdir()
    for part in PACKAGE_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, dest / part)
    _git(["init", "-q"], dest, env)
    _git(["add", "-A"], dest, env)
    _git(["commit", "-q", "-m", "snapshot"], dest, env)
    return dest


def _pre_commit(args: list[str], cwd: Path, env: dict[str, str]):
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _hook_sections(output: str, *hook_ids: str) -> list[str]:
    """The part of pre-commit's output that belongs to each hook, in run order."""
    parts = re.split(r"^- hook id: ", output, flags=re.M)
    by_id = {}
    for i, part in enumerate(parts[1:], 1):
        hook_id = part.split("\n", 1)[0].strip()
        # The status line ("name....Failed") sits at the end of the previous part.
        status = parts[i - 1].rstrip().rsplit("\n", 1)[-1]
        by_id[hook_id] = status + "\n" + part
    assert set(hook_ids) <= set(by_id), output
    return [by_id[h] for h in hook_ids]


def test_manifest_is_valid_and_hooks_are_serial_and_file_based():
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"lint-integration", "lint-integration-fix"}
    assert hooks["lint-integration"]["entry"] == "lint-integration check --force-exclude"
    assert hooks["lint-integration-fix"]["entry"] == "lint-integration fix --force-exclude"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["require_serial"] is True
        assert hook.get("pass_filenames", True) is True
        assert {"python", "shell", "yaml", "ts", "tsx", "javascript", "jsx", "go", "json"} <= set(
            hook["types_or"]
        )
        # Tiltfiles have their own identify tag; pre-commit requires files AND types_or.
        assert "tiltfile" in hook["types_or"]
        files = re.compile(hook["files"])
        for name in ("Tiltfile", "ci/Tiltfile", "web/package.json", "a/test_x.py", "x.test.ts"):
            assert files.search(name), name
        for name in ("web/tsconfig.json", "docs/README.md"):
            assert not files.search(name), name
    done = _pre_commit(
        ["validate-manifest", str(REPO / ".pre-commit-hooks.yaml")], REPO, {**os.environ}
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_hooks_fail_on_a_staged_violation_and_pass_after_the_fix_hook(tmp_path: Path):
    env = _git_env(tmp_path)
    snapshot = _snapshot(tmp_path / "lint-integration", env)
    project = tmp_path / "project"
    project.mkdir()
    _git(["init", "-q"], project, env)
    # A committed violation that is not staged: the hooks only see the files pre-commit passes.
    legacy = project / "services/legacy/tests/integration/test_old.py"
    legacy.parent.mkdir(parents=True)
    legacy.write_text(VIOLATION, encoding="utf-8")
    (project / "README.md").write_text("# project\n", encoding="utf-8")
    _git(["add", "-A"], project, env)
    _git(["commit", "-q", "-m", "initial"], project, env)
    staged = project / "services/orders/tests/integration/test_orders.py"
    staged.parent.mkdir(parents=True)
    staged.write_text(VIOLATION, encoding="utf-8")
    _git(["add", str(staged.relative_to(project))], project, env)

    # Without a hook id, try-repo runs every hook of the manifest in id order, in one
    # environment: the check (which fails on the staged violation), then the fix.
    first = _pre_commit(["try-repo", str(snapshot), "--verbose"], project, env)
    out = first.stdout + first.stderr
    assert first.returncode == 1, out
    check, fix = _hook_sections(out, "lint-integration", "lint-integration-fix")
    assert check.splitlines()[0].endswith("Failed") and "exit code: 1" in check, out
    assert "services/orders/tests/integration/test_orders.py:6:" in check, out
    assert "no-skip-on-env" in check
    assert "test_old.py" not in out  # committed but not staged: never handed to the hooks
    assert fix.splitlines()[0].endswith("Failed"), out
    assert "files were modified by this hook" in fix, out
    fixed = staged.read_text(encoding="utf-8")
    assert "skipif" not in fixed
    assert "requires_env" in fixed

    _git(["add", "-A"], project, env)
    again = _pre_commit(["try-repo", str(snapshot), "lint-integration"], project, env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Passed" in again.stdout
    assert legacy.read_text(encoding="utf-8") == VIOLATION
