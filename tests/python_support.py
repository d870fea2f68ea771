"""Helpers for the Python frontend tests: lint a fixture tree, analyse a snippet."""

from __future__ import annotations

from pathlib import Path

from lint_integration.config import load_config
from lint_integration.discovery import discover
from lint_integration.engine import RuleSelection, RunOptions, run

FIXTURES = Path(__file__).parent / "fixtures" / "python"
NO_CACHE = RunOptions(cache=False, jobs=1)


def project_config(root: Path):
    """The fixture project's own config (never the repository's pyproject.toml)."""
    own = root / "pyproject.toml"
    return load_config(own) if own.is_file() else load_config(None, root)


def lint(root: Path, *paths: str, select: tuple[str, ...] = ()):
    """Findings of a real run (discovery, roles, prefilter, suppressions) over ``paths``."""
    config = project_config(root)
    files = [f for p in paths for f in discover([root / p], config).files]
    return run(files, config, RuleSelection(config, select), [], NO_CACHE).findings


def rows(findings) -> list[tuple[int, int, str, str]]:
    """(line, column, code, message) of each finding, in order."""
    return [(f.line, f.column, f.code, f.message) for f in findings]


def lines(findings, code: str | None = None) -> list[int]:
    return [f.line for f in findings if code is None or f.code == code]
