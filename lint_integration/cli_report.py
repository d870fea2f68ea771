"""The CI side of ``check``: baselines and report files (kept out of cli.py's main path)."""

from __future__ import annotations

from pathlib import Path

import click


def load_baseline_option(path: Path | None):
    """The baseline named by ``--baseline``, read before the run so a bad file fails fast."""
    if path is None:
        return None
    from lint_integration.baseline import load_baseline

    return load_baseline(path)


def apply_baseline_option(known, prepared, result):
    from lint_integration.baseline import apply_baseline, run_scope

    scope = run_scope(prepared.files, prepared.selection, known.base)
    return apply_baseline(result, known, scope)[0]


def write_baseline_option(path: Path, prepared, result) -> int:
    """``--write-baseline``: record the current findings, say so on stderr, exit 0."""
    from lint_integration.baseline import run_scope, write_baseline
    from lint_integration.cli import UsageError, emit_notices

    emit_notices(result.notices)
    base = Path(path).absolute().parent
    try:
        count = write_baseline(
            path, result.findings, run_scope(prepared.files, prepared.selection, base)
        )
    except OSError as exc:
        raise UsageError(f"{path}: cannot write baseline: {_reason(exc)}") from None
    click.echo(
        f"lint-integration: wrote {count} baseline entr{'y' if count == 1 else 'ies'} to {path}",
        err=True,
    )
    return 0


def write_report(path: Path, text: str) -> None:
    """``--output-file``: write the report atomically; nothing goes to stdout."""
    from lint_integration.cli import UsageError
    from lint_integration.report.output import write_atomic

    try:
        write_atomic(path, text)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write report: {_reason(exc)}") from None


def report_root_for(config) -> Path:
    """Report paths are relative to the repository root (or the project root outside git)."""
    from lint_integration.discovery import find_git_root

    root = Path(config.root).resolve()
    return find_git_root(root) or root


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()
