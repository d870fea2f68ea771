"""``lint-integration fix``: apply the fixes of the selected rules.

Exit codes: 0 when no findings are left; 1 when some are left (the summary says how many were
fixed and why the rest were left); 2 on a usage or config error, or when a fixed file could not
be written (read or write failure, or it changed on disk meanwhile). With ``--diff`` nothing is
written: the exit code is 1 when there would be changes and 0 when there would be none.
"""

from __future__ import annotations

import click

from lint_integration.cli import (
    common_options,
    emit_notices,
    prepare,
    report_crashes,
    run_guarded,
)

_REASON_NOTE = {
    "unsafe": "unsafe fix: use --unsafe-fixes",
    "failed": "fix not applied",
}


@click.command()
@common_options
@click.option("--diff", is_flag=True, help="Print the changes as unified diffs; write nothing.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that change behaviour.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary and problems.")
@run_guarded
def fix(
    paths,
    config_file,
    select,
    ignore,
    rule,
    force_exclude,
    verbose,
    diff,
    unsafe_fixes,
    quiet,
) -> int:
    """Fix the findings under PATHS (default: .) that have a fix, then report what is left."""
    from lint_integration import fixer

    prepared = prepare(paths, config_file, select, ignore, rule, force_exclude)
    options = fixer.FixOptions(unsafe=unsafe_fixes, diff=diff, run_options=prepared.options)
    report = fixer.fix_run(
        prepared.files, prepared.config, prepared.selection, prepared.notices, options
    )
    emit_notices(report.result.notices)
    for problem in report.problems:
        click.echo(f"lint-integration: {problem}", err=True)
    for error in report.errors:
        click.echo(f"lint-integration: error: {error}", err=True)
    if diff:
        for patch in report.diffs():
            click.echo(patch, nl=False)
        click.echo(fixer.summary(report), err=True)
        if report_crashes(report.result, verbose) or report.errors:
            return 2
        return 1 if report.changed_files else 0
    if not quiet:
        for finding in report.remaining:
            note = _REASON_NOTE.get(report.left_reason(finding))
            tail = f" ({note})" if note else ""
            click.echo(
                f"{finding.path}:{finding.line}:{finding.column}: {finding.code} "
                f"[{finding.rule}] {finding.message}{tail}"
            )
    click.echo(fixer.summary(report))
    if report_crashes(report.result, verbose) or report.errors:
        return 2
    return 1 if report.remaining else 0
