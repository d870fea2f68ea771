"""``lint-integration inventory``: the suite-by-dependency matrix for a docs page or a script."""

from __future__ import annotations

import json
from pathlib import Path

import click

from lint_integration.cli import (
    common_options,
    emit_notices,
    prepare,
    report_crashes,
    run_guarded,
)


@click.command()
@common_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("markdown", "json")),
    default="markdown",
    show_default=True,
    help="A Markdown table for docs, or JSON for scripts.",
)
@click.option(
    "--output-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the inventory to this file instead of stdout.",
)
@run_guarded
def inventory(
    paths,
    config_file,
    select,
    ignore,
    rule,
    force_exclude,
    verbose,
    output_format,
    output_file,
) -> int:
    """List every integration suite under PATHS with the env vars and services it needs, the
    mode mechanisms it uses and whether it is dual-mode ready."""
    from lint_integration import inventory as inv
    from lint_integration.cli_report import write_report
    from lint_integration.engine import display_path, run

    prepared = prepare(paths, config_file, select, ignore, rule, force_exclude)
    result = run(
        prepared.files, prepared.config, prepared.selection, prepared.notices, prepared.options
    )
    emit_notices(result.notices)
    display = {f.relpath: display_path(f.path) for f in prepared.files}
    suites = inv.build(prepared.files, result, prepared.config, display)
    if output_format == "json":
        text = json.dumps(inv.to_json(suites), indent=2) + "\n"
    else:
        text = inv.to_markdown(suites)
    if output_file is not None:
        write_report(output_file, text)
    else:
        click.echo(text, nl=False)
    return 2 if report_crashes(result, verbose) else 0
